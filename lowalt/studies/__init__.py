"""Studies: one module per scenario kind, from a checked scenario to a typed result.

``reach`` (the guarantee check over a grid), ``placement`` (dock placement with
:mod:`lowalt.optimize`), ``availability`` (the guarantee under load, with :mod:`lowalt.sim`),
``corridor`` (aircraft on a corridor) and ``network`` (the route network). A study is the edge
between the scenario and the domain: it resolves paths, loads layers and hands plain values to
``geo``, ``flight``, ``optimize``, ``sim`` and ``network``. May import all of those and
:mod:`lowalt.scenario`; never :mod:`lowalt.outputs`.
"""
