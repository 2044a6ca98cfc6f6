"""How deep or large input may be before it is refused: one place for every bound.

Plain constants (no imports), so the quick path, the YAML store, the HTTP
client and the renderer share them without importing each other.
"""

__all__ = ["MAX_DEPTH", "MAX_TOPIC_DEPTH", "MAX_ANSWER_BYTES", "MAX_INPUT_BYTES", "MAX_TEMPLATE_OUTPUT", "MAX_TEMPLATE_OUTPUT_PER_PAPER", "size_text", "too_deep"]

#: A curated list nests four levels deep; YAML past this is an attack or a typo.
MAX_DEPTH = 64
#: Topics below topics; the shipped tree uses four. Deeper trees cannot be read as a page.
MAX_TOPIC_DEPTH = 10


def size_text(n: int) -> str:
    """A bound as people read it: '256 MiB', '16 KiB', '100 bytes'."""
    for unit, size in (("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:g} {unit}" if n % size else f"{n // size} {unit}"
    return f"{n} bytes"


def too_deep() -> str:
    """The one wording of the depth rule, whichever parser noticed first."""
    return f"nested more than {MAX_DEPTH} levels deep"

#: A service's answer, once decompressed: a batch of 500 papers is about 1 MiB.
MAX_ANSWER_BYTES = 32 * 2**20

#: Any file a user names or a list holds, read whole: 100,000 papers are about 30 MiB.
#: Past it the file is refused unread (a device, a FIFO, a wrong path), not grown into memory.
MAX_INPUT_BYTES = 256 * 2**20

#: The most a list's own template may write (GitHub shows nothing past 512 KB; 10,000 papers need ~13 MB)...
MAX_TEMPLATE_OUTPUT = 64 * 2**20
#: ...or this much a paper, when more: ten times what the built-in pages write for a paper.
#: The built-in templates have no cap: their output grows with the data, which check bounds.
MAX_TEMPLATE_OUTPUT_PER_PAPER = 16 * 2**10
