"""The history commands: release (and release --from-git), history IRI, diff A B."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..graph import DataRejected
from ..rdf import iris, sources
from . import record, resource_history
from .releases import HistoryError, Log, folder_beside
from .releases import diff as changes_between


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _where(data, ontology_dir, releases):
    found = sources.locate(list(data) if data else None, ontology_dir, None, need_queries=False)
    folder = Path(releases) if releases else folder_beside(found.data)
    if folder is None:
        _fail("data given as files or several folders has no release log beside it: name one with --releases")
    return found.data, found.ontology, folder


data_option = click.option("--data", multiple=True, type=click.Path(exists=True),
                           help="Data files or directories (default: ./data).")
ontology_option = click.option("--ontology-dir", default="ontology", show_default=True, help="Ontology and shapes.")
releases_option = click.option("--releases", type=click.Path(file_okay=False),
                               help="The release log (default: releases/ beside the data).")


@click.command()
@click.option("--notes", default="", help="What this release is about.")
@click.option("--from-git", "from_git", is_flag=True, help="Build the log from the repository's history of data/ "
              "(each commit that changed it, validated with its own ontology and shapes), in an empty folder.")
@data_option
@ontology_option
@releases_option
def release(notes, from_git, data, ontology_dir, releases) -> None:
    """Record the validated data as the next release."""
    data, ontology_dir, folder = _where(data, ontology_dir, releases)
    try:
        if from_git:
            def progress(commit, made):
                state = f"release {made.number}" if made else "not released"
                click.echo(f"{commit.sha[:7]} {commit.timestamp[:10]} {commit.subject[:60]}: {state}", err=True)
            repository = Path(data[0]).resolve().parent
            made = record.releases_from_git(repository, folder, progress=progress)
            click.echo(f"{len(made)} releases in {folder}")
            return
        made = record.make_release(data, ontology_dir, folder, notes)
    except DataRejected as err:
        click.echo(err.report.to_text(), err=True)
        _fail("the data does not validate: no release was made")
    except HistoryError as err:
        _fail(str(err))
    counts = made.counts
    click.echo(f"release {made.number} ({made.timestamp}): {counts['added']} resources added, {counts['changed']} changed, "
               f"{counts['removed']} removed")


@click.command("history")
@click.argument("iri")
@click.option("--lang", type=click.Choice(["en", "sv"]), default="en", show_default=True)
@data_option
@releases_option
def history_command(iri, lang, data, releases) -> None:
    """The versions of a resource: the releases in which it changed and what changed."""
    _data, _ontology, folder = _where(data, None, releases)
    iri = iris.id_iri(iri[len("id/"):]) if iri.startswith("id/") else iri
    try:
        versions = resource_history.history(Log(folder), iri, lang)
    except HistoryError as err:
        _fail(str(err))
    if not versions:
        _fail(f"no release records {iri}", 1)
    for version in versions:
        click.echo(f"release {version.release.number} ({version.release.timestamp}): {version.word}")
        for statement in version.statements:
            click.echo(f"    {statement.sign} {statement.predicate}  {statement.value}")


@click.command()
@click.argument("a")
@click.argument("b", required=False)
@data_option
@ontology_option
@releases_option
def diff(a, b, data, ontology_dir, releases) -> None:
    """What changed between releases A and B; with A alone (or B 'data'), between release A (or
    'latest') and the working data: what a release would record."""
    data, ontology_dir, folder = _where(data, ontology_dir, releases)
    log = Log(folder)
    try:
        latest = log.latest

        def state(name):
            if name in (None, "data"):
                return record.working_state(data, ontology_dir)
            number = latest.number if name == "latest" and latest else int(name) if name.isdigit() else 0
            if log.release(number) is None:
                _fail(f"there is no release {name}; the releases are 1 to {latest.number if latest else 0}")
            return log.state(number)
        before, after = state(a), state(b)
    except DataRejected as err:
        click.echo(err.report.to_text(), err=True)
        _fail("the data does not validate")
    except HistoryError as err:
        _fail(str(err))
    changes = changes_between(before, after)
    if not changes:
        click.echo("nothing changed")
        return
    click.echo(resource_history.text(changes, after, before=before))


def register(group: click.Group) -> None:
    for command in (release, history_command, diff):
        group.add_command(command)
