"""MkDocs hooks (mkdocs.yml: ``hooks``): pages written from the code when the site is
built, so that they cannot drift from it, and files kept outside ``docs/`` served from
where they live: the studies under ``experiments/`` (READMEs and figures) and
``CHANGELOG.md``."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]
STUDY_FILES = ("*.md", "*/*.md", "*/*.png")


def configuration_page() -> str:
    from sim.config.reference import configuration_reference

    return configuration_reference()


def kpi_page() -> str:
    from sim.analysis.kpi_catalogue import markdown

    return markdown()


def changelog_page() -> str:
    """CHANGELOG.md, its links into docs/ made relative to the site."""
    return (ROOT / "CHANGELOG.md").read_text().replace("](docs/", "](")


LINK = re.compile(r"\[([^\]]*)\]\(([^)#\s]*)(#[^)\s]*)?\)")


def front_page() -> str:
    """README.md as the site's home page: links into docs/ made relative to the site,
    links to files the site does not hold (LICENSE, CITATION.cff, folders) made plain text."""

    def relink(match: re.Match) -> str:
        text, target, anchor = match.group(1), match.group(2), match.group(3) or ""
        if target.startswith(("http://", "https://")):
            return match.group(0)
        if target == "CHANGELOG.md":
            return f"[{text}](changelog.md{anchor})"
        if target.startswith("docs/") and target.endswith(".md"):
            return f"[{text}]({target.removeprefix('docs/')}{anchor})"
        if target.startswith("experiments/") and target.endswith((".md", ".png")):
            return match.group(0)
        return text

    return LINK.sub(relink, (ROOT / "README.md").read_text())


# page -> function returning its Markdown
GENERATED = {
    "index.md": front_page,
    "reference/configuration.md": configuration_page,
    "reference/kpis.md": kpi_page,
    "changelog.md": changelog_page,
}


def on_files(files: Files, config) -> Files:
    for uri, page in GENERATED.items():
        files.append(File.generated(config, uri, content=page()))
    for pattern in STUDY_FILES:
        for path in sorted((ROOT / "experiments").glob(pattern)):
            uri = path.relative_to(ROOT).as_posix()
            files.append(
                File(
                    uri, src_dir=str(ROOT), dest_dir=config["site_dir"], use_directory_urls=config["use_directory_urls"]
                )
            )
    return files
