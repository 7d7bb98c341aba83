"""Fund tracing: follow money from sources through accounts under LIBR, FIFO or pro rata."""

from nohaven.trace.engine import Rule, TraceResult, run_trace
from nohaven.trace.ledger import Order, TraceLedger, read_ledger_file, read_store_ledger

__all__ = [
    "Order",
    "Rule",
    "TraceLedger",
    "TraceResult",
    "read_ledger_file",
    "read_store_ledger",
    "run_trace",
]
