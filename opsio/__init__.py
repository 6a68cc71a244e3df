"""Operations plumbing shared by every process (edge, central, gateway): JSON logs, probes.

Like ``mqttio`` it knows nothing of the application (import-linter checks it),
so the edge, which ships alone, can use it too.
"""

from opsio.ops import OpsServer, Probe, configure_logging, log_config

__all__ = ["OpsServer", "Probe", "configure_logging", "log_config"]
