"""Network plots: what is drawn equals the table, any tie format, errors."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from diffusion.errors import MissingColumnError, SpecificationError
from diffusion.exposure import infer_network
from diffusion.report import network_plot, network_plot_table

ADOPTIONS = pd.DataFrame({
    "unit": list("abcacbdab"),
    "cascade": [1, 1, 1, 2, 2, 2, 3, 3, 3],
    "time": [1, 2, 4, 1, 3, 5, 1, 2, 3],
})


def _arrows(fig):
    return [a for a in fig.axes[0].texts if a.arrow_patch is not None]


def test_inferred_network_plot():
    net = infer_network(ADOPTIONS, n_edges=4, params=0.5)
    nodes, edges = network_plot_table(net)
    assert len(edges) == 4 and set(nodes["unit"]) == {"a", "b", "c", "d"}
    np.testing.assert_allclose(edges["weight"], net.edges["improvement"])
    # a can influence b and c; d can influence a; c can influence b
    assert nodes.set_index("unit")["followers"].to_dict() == {"a": 2, "b": 0, "c": 1, "d": 1}
    fig = network_plot(net, title="t")
    assert len(_arrows(fig)) == 4 and fig.axes[0].get_title() == "t"
    # the layout is seeded
    again, _ = network_plot_table(net)
    pd.testing.assert_frame_equal(nodes, again)


def test_other_tie_formats_and_top():
    ties = pd.DataFrame({"from": ["a", "a", "b"], "to": ["b", "c", "c"], "w": [1.0, 3.0, 2.0]})
    nodes, edges = network_plot_table(ties, source="from", target="to", weight="w", top=2)
    assert edges["weight"].tolist() == [3.0, 2.0]
    g = nx.DiGraph()
    g.add_edge("x", "y", w=2.0)
    _, e = network_plot_table(g, weight="w")
    assert e[["source", "target", "weight"]].values.tolist() == [["x", "y", 2.0]]
    assert len(_arrows(network_plot(ties, source="from", target="to"))) == 3


def test_bad_input():
    with pytest.raises(MissingColumnError):
        network_plot(pd.DataFrame({"source": ["a"]}))
    with pytest.raises(SpecificationError, match="no ties"):
        network_plot(pd.DataFrame({"source": [], "target": []}))
    with pytest.raises(SpecificationError, match="top"):
        network_plot_table(pd.DataFrame({"source": ["a"], "target": ["b"]}), top=0)
    with pytest.raises(SpecificationError, match="finite"):
        network_plot(pd.DataFrame({"source": ["a"], "target": ["b"], "w": [-1.0]}), weight="w")
