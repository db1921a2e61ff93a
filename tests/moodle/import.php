<?php
// SPDX-License-Identifier: MIT
// Part of this project's tests, not of Moodle. Runs Moodle's own Moodle XML import
// (qformat_xml::readquestions, from a Moodle source tree) on each file and prints, as JSON,
// what it built: categories, and for each question its name, ID number, texts, formats,
// options, answers with fraction and feedback; with every error the importer reported.
//
//   php tests/moodle/import.php /path/to/moodle FILE.xml...
//
// The tree is a Moodle checkout or a site's code folder, Moodle 4.2 or later (what runs under
// Debian 12's PHP 8.2); a tree that keeps its code under public/ is found too. Nothing is
// written to it.

if ($argc < 3) {
    fwrite(STDERR, "usage: php import.php MOODLE_DIR FILE.xml...\n");
    exit(2);
}
$dirroot = rtrim($argv[1], '/');
if (is_file("{$dirroot}/public/question/format/xml/format.php")) {
    $dirroot .= '/public';
}
if (!is_file("{$dirroot}/question/format/xml/format.php")) {
    fwrite(STDERR, "{$argv[1]} is not a Moodle source tree: no question/format/xml/format.php\n");
    exit(2);
}
require(__DIR__ . '/moodle_core_minimum.php');
$CFG = moodle_minimum_config($dirroot);
require_once($CFG->libdir . '/xmlize.php');
require_once($CFG->dirroot . '/question/format.php');
require_once($CFG->dirroot . '/question/format/xml/format.php');

/** Moodle's importer with its errors kept and its file reading and category paths reachable. */
class reporting_qformat_xml extends qformat_xml {
    public array $messages = [];

    protected function error($message, $text = '', $questionname = '') {
        $this->messages[] = trim($questionname . ' ' . $message);
        parent::error($message, $text, $questionname);
    }

    public function lines(string $filename) {
        return $this->readdata($filename);
    }

    public function category_names(string $path): array {
        return $this->split_category_path($path);
    }
}

/** A text field as the importer keeps it: ['text' => ..., 'format' => ...]. */
function field($value): array {
    return ['text' => $value['text'] ?? '', 'format' => $value['format'] ?? null];
}

// PHP's own warnings while Moodle reads a file (a document that is not a quiz, say).
$warnings = [];
set_error_handler(function ($level, $message, $file, $line) use (&$warnings) {
    $warnings[] = basename($file) . ":{$line}: {$message}";
    return true;
});

$report = [];
$options = question_bank::fraction_options_full();
foreach (array_slice($argv, 2) as $filename) {
    $MOODLE_DEBUGGING = [];
    $warnings = [];
    $format = new reporting_qformat_xml();
    ob_start();
    $questions = false;
    try {
        // importprocess(): a file it cannot read, or that holds no question, stops the import.
        $lines = $format->lines($filename);
        if (!$lines) {
            $format->messages[] = get_string('cannotread', 'question');
        } else if (!$questions = $format->readquestions($lines)) {
            $format->messages[] = get_string('noquestionsinfile', 'question');
        }
    } catch (Throwable $e) {
        $format->messages[] = get_class($e) . ': ' . $e->getMessage();
        $questions = false;
    }
    $printed = ob_get_clean();
    $built = [];
    $category = null;
    foreach ($questions ?: [] as $question) {
        if ($question->qtype === 'category') {
            $category = $format->category_names($question->category);
            $built[] = [
                'qtype' => 'category',
                'path' => $category,
                'idnumber' => $question->idnumber,
                'info' => ['text' => $question->info, 'format' => $question->infoformat],
            ];
            continue;
        }
        // importprocess(): a question with a grade Moodle does not offer is skipped.
        $wrong = array_filter($question->fraction ?? [],
            fn($f) => match_grade_options($options, $f, 'error') === false);
        if ($wrong) {
            $grades = implode(', ', $wrong);
            $said = get_string('invalidgradequestion', 'question',
                ['grades' => $grades, 'question' => $question->name]);
            // Older Moodle (4.2) says it without the question's name.
            $format->messages[] = str_starts_with($said, '[[') ?
                get_string('invalidgrade', 'question', $grades) : $said;
        }
        $answers = [];
        foreach ($question->answer ?? [] as $key => $answer) {
            $answers[] = [
                'text' => field($answer),
                'fraction' => $question->fraction[$key],
                'feedback' => field($question->feedback[$key]),
            ];
        }
        $built[] = [
            'qtype' => $question->qtype,
            'category' => $category,
            'name' => $question->name,
            'idnumber' => $question->idnumber,
            'questiontext' => ['text' => $question->questiontext,
                'format' => $question->questiontextformat],
            'generalfeedback' => ['text' => $question->generalfeedback,
                'format' => $question->generalfeedbackformat],
            'defaultmark' => (float)$question->defaultmark,
            'penalty' => (float)$question->penalty,
            'single' => $question->single ?? null,
            'shuffleanswers' => $question->shuffleanswers ?? null,
            'answernumbering' => $question->answernumbering ?? null,
            'correctfeedback' => field($question->correctfeedback ?? []),
            'partiallycorrectfeedback' => field($question->partiallycorrectfeedback ?? []),
            'incorrectfeedback' => field($question->incorrectfeedback ?? []),
            'answers' => $answers,
        ];
    }
    $report[$filename] = [
        'errors' => $format->messages,
        'importerrors' => $format->importerrors,
        'debugging' => $MOODLE_DEBUGGING,
        'warnings' => $warnings,
        'printed' => $printed,
        'questions' => $built,
    ];
}
$moodleversion = null;
if (preg_match('/^\$release\s*=\s*\'([^\']*)\'/m', (string)@file_get_contents("{$dirroot}/version.php"), $m)) {
    $moodleversion = $m[1];
}
echo json_encode(['moodle' => $moodleversion, 'files' => $report],
    JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
