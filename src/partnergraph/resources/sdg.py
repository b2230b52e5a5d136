"""The UN's Sustainable Development Goals as the graph holds them: numbers, colours, labels, order."""
from __future__ import annotations

from .. import rq


def sdg_goals(graph) -> dict[str, dict]:
    """The goals in the graph: {number: {"iri", "colour", "labels": {lang: text}}}."""
    goals: dict[str, dict] = {}
    for row in graph.select(rq.load("sdg-goals")):
        number = str(int(row["number"]["value"]))
        goal = goals.setdefault(number, {"iri": row["goal"]["value"], "number": int(number), "labels": {},
                                         "colour": row.get("colour", {}).get("value")})
        if "label" in row:
            goal["labels"].setdefault(row["label"].get("xml:lang", ""), row["label"]["value"])
    return goals


def goal_number(code: str) -> str:
    return code.split(".")[0]


def sdg_sort(code: str | None) -> tuple:
    """Goals in number order, each goal's targets after it (4, 4.1, 4.2, ..., 4.a); no code last."""
    if not code:
        return (99, "")
    goal, _, target = code.partition(".")
    return (int(goal), target.zfill(3))
