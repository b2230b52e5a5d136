"""The SVG charts: well-formed XML, escaped labels, accessible, the numbers in titles and attributes."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from partnergraph.drawing import charts

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & "q"'


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def test_bar_chart_numbers_and_escaping():
    svg = charts.bar_chart([charts.Bar(EVIL, 3, "#E5243B", "/sdg/1?a=1&b=2"), charts.Bar("Two", 0, "not-a-colour")],
                           "Title <b>", "Desc & more", "c1")
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Title <b>"
    bars = root.iter(f"{SVG}g")
    values = {g.get("data-label"): int(g.get("data-value")) for g in bars if g.get("class") == "bar"}
    assert values == {EVIL: 3, "Two": 0}
    assert "<script>" not in str(svg)
    assert 'fill="not-a-colour"' not in str(svg)
    assert root.find(f"{SVG}a").get("href") == "/sdg/1?a=1&b=2"


def test_column_chart():
    root = parse(charts.column_chart([charts.Bar("2019", 6), charts.Bar("2020", 2)], "Years", "Per year", "years"))
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "2019: 6" in titles and "2020: 2" in titles


def test_network_chart_is_deterministic_and_escaped():
    left = [charts.Node("a", "Växjö", "/page/municipality/vaxjo")]
    right = [charts.Node("b", EVIL), charts.Node("c", "Kalush")]
    edges = [("a", "b", "p1"), ("a", "c", "p2"), ("a", "zzz", "ignored")]
    first = charts.network_chart(left, right, edges, "Net", "Who with whom", "net")
    assert first == charts.network_chart(left, right, edges, "Net", "Who with whom", "net")
    root = parse(first)
    assert len([g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]) == 2
    assert "<script>" not in str(first)


def test_text_colour():
    assert charts.text_colour("#FCC30B") == "#1d2430"   # yellow goal 7: dark text
    assert charts.text_colour("#C5192D") == "#ffffff"
