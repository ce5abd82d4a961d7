"""creditgate's thread names (set by the server) and the roles the reports print."""

ROLES = {
    "cg-ledger": "ledger writer",
    "cg-log": "log",
    "cg-checkpoint": "WAL checkpoint",
    "cg-sweep": "sweeper",
    "creditgate": "main",
}


def role_of(thread_name):
    if thread_name.startswith("cg-io-"):
        return "I/O" if thread_name == "cg-io-0" else f"I/O {thread_name[6:]}"
    return ROLES.get(thread_name, thread_name)
