"""OWL 2 RL reasoning (placeholder until the reasoning module lands)."""


def materialise(store, *, inferred_graph=None) -> int:
    return 0


def find_inconsistencies(store) -> list:
    return []


def format_inconsistencies(problems) -> str:
    return "\n".join(getattr(p, "message", str(p)) for p in problems)
