"""The checkers the browser tests run on a page: axe-core, the Nu HTML Checker, Lighthouse,
and measurements taken in the page (touch targets, horizontal scrolling, focus styles).

axe-core, vnu-jar and Lighthouse come from npm (package.json at the repository
root; ``scripts/test`` runs ``npm ci``). A missing tool fails the test loudly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO_ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MIN_TARGET = 44  # CSS pixels, WCAG 2.5.5
# Lighthouse scores a page must reach on its mobile setting (issue #5).
LIGHTHOUSE_TARGETS = {"accessibility": 100, "best-practices": 100, "seo": 95, "performance": 95}


def need(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.fail(f"{what} not found at {path}: run `npm ci` at the repository root")
    return path


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now."""
    page.add_script_tag(path=str(need(AXE, "axe-core")))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_A_AA
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
            "summary": [node["failureSummary"] for node in violation["nodes"]][:2],
        }
        for violation in results["violations"]
    ]


def validate_html(documents: dict[str, str], workdir: Path) -> dict[str, list[dict]]:
    """Nu HTML Checker errors per document name; one JVM start for all of them."""
    if shutil.which("java") is None:
        pytest.fail("java not found: install Debian's default-jre-headless (scripts/test does)")
    need(VNU, "vnu-jar")
    workdir.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, html in documents.items():
        path = workdir / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files[path.resolve().as_uri()] = name
    completed = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, workdir.glob("*.html")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(completed.stderr or completed.stdout)
    errors: dict[str, list[dict]] = {name: [] for name in documents}
    for message in report["messages"]:
        if message.get("type") in ("error", "non-document-error"):
            name = files.get(message.get("url", ""), message.get("url", "?"))
            errors.setdefault(name, []).append(
                {k: message.get(k) for k in ("message", "lastLine", "extract")}
            )
    return errors


SMALL_TARGETS_JS = """
min => {
  // A link inside running text is exempt (WCAG 2.5.5/2.5.8 "inline" exception):
  // enlarging it would break the line spacing of the sentence it sits in.
  const inSentence = el => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement.closest('p, li, dd, td');
    return block && block.textContent.trim().length > el.textContent.trim().length + 1;
  };
  const small = [];
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  for (const el of document.querySelectorAll(selector)) {
    let box = el.getBoundingClientRect();
    if (el.matches('input[type=radio], input[type=checkbox]') && el.labels.length) {
      box = el.labels[0].getBoundingClientRect();  // the whole label is the target
    }
    if (box.width === 0 || box.height === 0 || box.right <= 0) continue;  // not shown now
    if (inSentence(el)) continue;
    if (box.width < min - 0.5 || box.height < min - 0.5) {
      const label = (el.textContent || el.name || el.id).trim().slice(0, 40);
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${el.tagName.toLowerCase()} "${label}" ${size}`);
    }
  }
  return small;
}
"""


def small_touch_targets(page) -> list[str]:
    return page.evaluate(SMALL_TARGETS_JS, MIN_TARGET)


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def lighthouse(url: str, output: Path, chromium: str) -> dict[str, float]:
    """Lighthouse's category scores (0-100) for ``url`` on its default (mobile) setting."""
    need(LIGHTHOUSE, "lighthouse")
    env = {**os.environ, "CHROME_PATH": chromium}
    completed = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={output}",
            "--only-categories=performance,accessibility,best-practices,seo",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    if completed.returncode != 0:
        pytest.fail(f"lighthouse failed: {completed.stderr[-2000:]}")
    report = json.loads(output.read_text())
    return {key: round(category["score"] * 100) for key, category in report["categories"].items()}
