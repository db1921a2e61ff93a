"""The automation-bias test (see :mod:`aimed.engines.automation_bias.series`)."""

from aimed.engines.automation_bias.series import *  # noqa: F403
from aimed.engines.automation_bias.series import __all__  # noqa: F401
