<?php
// SPDX-License-Identifier: MIT
// Part of this project's tests, not of Moodle: the least of Moodle's core that Moodle's own
// question import (question/format/xml/format.php) needs to run outside a Moodle site.
// Everything here stands where Moodle's site would: configuration, language strings, text
// cleaning, tags, the question-type registry. The import itself (parsing, question types,
// answers, fractions, feedback, categories, ID numbers, text formats) is Moodle's own code,
// loaded by import.php from the Moodle source tree given on its command line.
// README.md lists every function here and why it is enough.

define('MOODLE_INTERNAL', true);
define('DEBUG_DEVELOPER', 32767);
// The values of lib/weblib.php and lib/moodlelib.php (both need a whole site to load).
define('FORMAT_MOODLE', '0');
define('FORMAT_HTML', '1');
define('FORMAT_PLAIN', '2');
define('FORMAT_WIKI', '3');
define('FORMAT_MARKDOWN', '4');
define('PARAM_TEXT', 'text');
define('PARAM_FILE', 'file');

/** What a site's config.php sets: where the code is. */
function moodle_minimum_config(string $dirroot): stdClass {
    $cfg = new stdClass();
    $cfg->dirroot = $dirroot;
    $cfg->libdir = $dirroot . '/lib';
    return $cfg;
}

/** Every debugging() message, kept for the report: the importer says a problem this way. */
$MOODLE_DEBUGGING = [];
function debugging($message = '', $level = 0, $backtrace = null) {
    global $MOODLE_DEBUGGING;
    $MOODLE_DEBUGGING[] = (string)$message;
    return true;
}

/** English strings from the tree's own language files, with {$a} and {$a->x} filled in. */
function get_string($identifier, $component = 'moodle', $a = null) {
    global $CFG;
    static $loaded = [];
    $component = $component ?: 'moodle';
    if (!isset($loaded[$component])) {
        $places = [
            'qformat_xml' => '/question/format/xml/lang/en/qformat_xml.php',
            'qtype_multichoice' => '/question/type/multichoice/lang/en/qtype_multichoice.php',
        ];
        $file = $CFG->dirroot . ($places[$component] ?? "/lang/en/{$component}.php");
        $string = [];
        include($file);
        $loaded[$component] = $string;
    }
    $text = $loaded[$component][$identifier] ?? "[[{$identifier}]]";
    if (is_array($a) || is_object($a)) {
        foreach ((array)$a as $key => $value) {
            $text = str_replace('{$a->' . $key . '}', (string)$value, $text);
        }
    } else if ($a !== null) {
        $text = str_replace('{$a}', (string)$a, $text);
    }
    return $text;
}

/** Moodle's HTML escaping, as lib/weblib.php s() does it. */
function s($text) {
    return htmlspecialchars((string)$text, ENT_QUOTES | ENT_HTML401 | ENT_SUBSTITUTE, 'UTF-8');
}

/** A fresh site's setting: the quiz's "shuffle answers" default is on. */
function get_config($plugin, $name = null) {
    return ($plugin === 'quiz' && $name === 'shuffleanswers') ? '1' : false;
}

/** PARAM_TEXT and PARAM_FILE as the course's names need them: valid UTF-8, no tags (Moodle
 * keeps multilang <span lang> tags, which the course never writes), no slash in a file name. */
function clean_param($param, $type) {
    $param = iconv('UTF-8', 'UTF-8//IGNORE', (string)$param);
    if ($type === PARAM_FILE) {
        return preg_replace('~[\x00-\x1f/\\\\:*?"<>|]~u', '', $param);
    }
    return strip_tags($param);
}

/** Only reached for a name over 255 characters (the test checks none is). */
function shorten_text($text, $ideal = 30) {
    return mb_substr($text, 0, $ideal) . '...';
}

class core_text {
    public static function strlen($text) {
        return mb_strlen((string)$text, 'UTF-8');
    }

    public static function trim_utf8_bom($text) {
        return strncmp($text, "\xEF\xBB\xBF", 3) === 0 ? substr($text, 3) : $text;
    }
}

/** Tags are on in a fresh site, so the importer reads <tags> (the course writes none). */
class core_tag_tag {
    public static function is_enabled($component, $itemtype) {
        return true;
    }
}

/** Moodle's exception base (lib/setuplib.php): the message is the language string. */
class moodle_exception extends Exception {
    public $errorcode;
    public $module;
    public $a;
    public $link;
    public $debuginfo;

    public function __construct($errorcode, $module = '', $link = '', $a = null, $debuginfo = null) {
        $this->errorcode = $errorcode;
        $this->module = $module;
        $this->a = $a;
        $this->link = $link;
        $this->debuginfo = $debuginfo;
        parent::__construct(get_string($errorcode, $module ?: 'error', $a));
    }
}

/** The question-type registry of a site with no plug-in types: the XML format reads
 * multichoice and categories itself; any other type is offered to no plug-in and refused. */
class question_bank {
    public static function get_qtype($name, $mustexist = true) {
        return null;
    }

    public static function get_all_qtypes() {
        return [];
    }

    /** The grades a question may give, as question_bank::fraction_options_full() lists them:
     * none, all, and these shares, each also as a penalty (negative). */
    public static function fraction_options_full() {
        $shares = [0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3,
            0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05];
        $options = ['0.0' => true, '1.0' => true];
        foreach ($shares as $share) {
            $options[strval($share)] = true;
            $options[strval(-$share)] = true;
        }
        $options['-1.0'] = true;
        return $options;
    }
}

/** The check importprocess() makes before saving, with "match grades: error" (the default):
 * a grade within 0.00001 of one of the options, or none. */
function match_grade_options($options, $grade, $matchgrades = 'error') {
    foreach ($options as $value => $unused) {
        if (abs($grade - $value) < 0.00001) {
            return $value;
        }
    }
    return false;
}
