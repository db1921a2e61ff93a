"""The engines: seeded synthetic data, models and Bayesian arithmetic every surface calls."""
