"""Explain Rasa's validation, training and test failures to staff, in French.

Pure functions over Rasa's own outputs: the console text of `rasa data validate` and
`rasa train`, results/failed_test_stories.yml and results/intent_errors.json.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Optional

_NOISE = re.compile(r"^\s*(/.*site-packages/|warnings\.warn|  \w.*\(|Traceback|File \")")

_VALIDATION_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"Story structure conflict after (.*?):\s*$"), "deux histoires ou règles se contredisent après {0} :"),
    (re.compile(r"\s*(\S+) predicted in '(.+?)'"), "  « {1} » fait suivre par {0}"),
    (
        re.compile(r"The action '(.+?)' is used in the '(.+?)' block, but it is not included in the domain"),
        "l'histoire « {1} » utilise l'action « {0} », absente de domain.yml",
    ),
    (
        re.compile(r"The action '(.+?)' is used in the stories, but is not a valid utterance action"),
        "l'action « {0} » est utilisée dans une histoire mais n'a pas de réponse dans domain.yml",
    ),
    (
        re.compile(r"The intent '(.+?)' is used in the stories, but it's not included in the domain"),
        "l'intention « {0} » est utilisée dans une histoire mais absente de domain.yml",
    ),
    (
        re.compile(r"[Tt]he intent '(.+?)' is used in your stories, but it is not listed in the domain file"),
        "l'intention « {0} » est utilisée dans une histoire mais absente de domain.yml",
    ),
    (
        re.compile(r"The intent '(.+?)' is listed in the domain file, but is not found in the NLU training data"),
        "l'intention « {0} » est déclarée dans domain.yml mais n'a aucun exemple dans data/nlu/",
    ),
    (
        re.compile(r"The intent '(.+?)' is not used in any story or rule"),
        "l'intention « {0} » n'est utilisée dans aucune histoire ni règle",
    ),
    (
        re.compile(r"The utterance '(.+?)' is not used in any story or rule"),
        "la réponse « {0} » n'est utilisée dans aucune histoire ni règle",
    ),
    (
        re.compile(r"The example '(.+?)' was found labeled with multiple different intents.*?: (.*)"),
        "l'exemple « {0} » est rangé sous plusieurs intentions : {1}",
    ),
    (re.compile(r"Issue found in '(.+?)':\s*(.*)"), "problème dans {0} : {1}"),
]


def _translate(line: str) -> str:
    for pattern, template in _VALIDATION_PATTERNS:
        match = pattern.search(line)
        if match:
            return template.format(*match.groups())
    return line.strip()


def validation_problems(output: str) -> list[str]:
    """The warning and error lines of `rasa data validate`, translated when the pattern is known."""
    problems: list[str] = []
    lines = output.splitlines()
    for line in lines:
        text = line.strip()
        if not text or _NOISE.match(line):
            continue
        interesting = (
            "UserWarning" in line
            or " WARNING " in line
            or " ERROR " in line
            or "conflict" in line
            or " predicted in '" in line
            or "Issue found" in line
            or "YamlValidationException" in line
            or "InvalidDomain" in line
            or "not included in the domain" in line
        )
        if not interesting:
            continue
        text = re.sub(r"^.*?(UserWarning|WARNING|ERROR)\s*[-:]?\s*(\S+\s+-\s+)?", "", text).strip() or text
        problems.append(_translate(text))
    return list(dict.fromkeys(problems)) or [line.strip() for line in lines[-8:] if line.strip()]


def training_problem(output: str) -> list[str]:
    """Why `rasa train` stopped: contradicting rules/stories, invalid YAML, ... (English kept as quoted detail)."""
    lines = [line.rstrip() for line in output.splitlines() if line.strip() and not _NOISE.match(line)]
    contradiction = [
        line for line in lines if "- the prediction of the action" in line or "Contradicting rules" in line
    ]
    if contradiction:
        explained = [
            "des règles ou histoires se contredisent (l'une prévoit une action, l'autre une autre au même moment) :"
        ]
        for line in contradiction:
            match = re.search(
                r"the prediction of the action '(.+?)' in (?:rule|story) '(.+?)' is contradicting with (?:rule|story)\(s\) '(.+?)'",
                line,
            )
            if match:
                explained.append(
                    f"  « {match.group(2)} » prévoit « {match.group(1)} », contredit par « {match.group(3)} »"
                )
        return explained if len(explained) > 1 else explained + contradiction[-5:]
    errors = [line for line in lines if re.search(r"(Error|Exception|Invalid|Killed)", line)]
    return (errors or lines)[-6:]


def _user_texts(sources: list[Path]) -> dict[tuple[str, str], str]:
    """(story name, intent) -> what the person typed, from the test stories themselves."""
    import yaml

    texts: dict[tuple[str, str], str] = {}
    for path in sources:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        for story in data.get("stories") or []:
            for step in story.get("steps") or []:
                if "user" in step and "intent" in step:
                    texts[(str(story.get("story")), str(step["intent"]))] = str(step["user"]).strip()
    return texts


def failed_conversations(path: Path, sources: Optional[list[Path]] = None) -> list[str]:
    """failed_test_stories.yml: each failed story, at the first step where the bot went another way
    (the following mismatches are consequences of that one)."""
    if not path.exists():
        return []
    texts = _user_texts(sources or [])
    failures: list[str] = []
    story, last_user, last_intent, pending_user, reported = "", "", "", False, False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        match = re.match(r"- story: (.*?)(?:\s+\(.*\))?$", line)
        if match:
            story, last_user, last_intent, pending_user, reported = (
                match.group(1).strip().strip("\"'"),
                "",
                "",
                False,
                False,
            )
            continue
        if pending_user and line:
            last_user, pending_user = line, False
            continue
        user = re.match(r"(?:- )?user:\s*(\|-?|>-?)?\s*(.*)$", line)
        if user:
            last_user = user.group(2).strip().strip("\"'")
            pending_user = not last_user
            continue
        intent = re.match(r"(?:- )?intent:\s*([^\s#]+)", line)
        if intent:
            last_intent, last_user = intent.group(1), ""
        predicted = re.search(r"#\s*predicted:\s*([^\s:]+)", line)
        if predicted and not reported:
            expected = re.sub(r"\s*#.*$", "", line).strip()
            kind = "l'intention" if re.match(r"(- )?intent:", expected) else "l'action"
            expected = re.sub(r"^(-\s*)?(action|intent):\s*", "", expected)
            said = last_user or texts.get((story, last_intent), "")
            where = f" après « {said} »" if said else (f" après l'intention {last_intent}" if last_intent else "")
            failures.append(
                f"conversation « {story} »{where} : {kind} attendue était « {expected} », "
                f"le modèle a prédit « {predicted.group(1)} »"
            )
            reported = True
    if not failures and story:
        failures.append(f"conversation « {story} » : échec (voir {path})")
    return failures


def intent_errors(path: Path, limit: int = 15) -> list[str]:
    """intent_errors.json: the held-out examples the new model misclassifies."""
    if not path.exists():
        return []
    errors = json.loads(path.read_text(encoding="utf-8"))
    lines = []
    for e in errors[:limit]:
        prediction = e.get("intent_prediction") or {}
        lines.append(
            f"« {e.get('text')} » : intention attendue « {e.get('intent')} », comprise « {prediction.get('name')} » "
            f"(confiance {float(prediction.get('confidence') or 0):.2f})"
        )
    if len(errors) > limit:
        lines.append(f"… et {len(errors) - limit} autres (voir {path})")
    return lines
