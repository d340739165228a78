"""Simulation: the call demand model, the fleet, dispatch simulation and queueing.

Owns what happens when drones are busy: calls by department and hour, a fleet of drones in
docks with charge and maintenance, a discrete-event dispatch simulation and the analytic
queueing approximation checked against it. May import :mod:`lowalt.flight`,
:mod:`lowalt.geo` and :mod:`lowalt.errors`.
"""
