"""The day simulator behind ``smartgate simulate`` and the synthetic arrivals history.

Discrete-event simulation on a simulated clock: trucks check in at the yard, the
real yard policy (:mod:`domain.flow`) calls them forward, and each arrival at a
lane is decided by the real clearance code (:func:`domain.clearance.decide`).
"""
