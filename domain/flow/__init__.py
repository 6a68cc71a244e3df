"""Flow management: who is called forward from the staging yard, how fast, and how many come.

Pure Python, shared by the central yard service, the console and the day
simulator, so the simulator measures exactly the policy the yard applies:

* :mod:`domain.flow.priority` - priority classes and the ratio rule (eCherha's
  1 trusted/transit perishable : 1 perishable : 1 trusted : 5 ordinary);
* :mod:`domain.flow.metering` - lane capacity from measured service times and
  open hours, the release quota of the call-forward, estimated call times;
* :mod:`domain.flow.forecast` - arrivals per hour from pre-registrations,
  history (seasonal peaks) and the weather.
"""
