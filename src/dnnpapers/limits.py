"""How deep or large input may be before it is refused: one place for every bound.

Plain constants (no imports), so the quick path, the YAML store, the HTTP
client and the renderer share them without importing each other.
"""

__all__ = ["MAX_DEPTH", "MAX_TOPIC_DEPTH", "MAX_ANSWER_BYTES", "MAX_INPUT_BYTES", "too_deep"]

#: A curated list nests four levels deep; YAML past this is an attack or a typo.
MAX_DEPTH = 64
#: Topics below topics; the shipped tree uses four. Deeper trees cannot be read as a page.
MAX_TOPIC_DEPTH = 10


def too_deep() -> str:
    """The one wording of the depth rule, whichever parser noticed first."""
    return f"nested more than {MAX_DEPTH} levels deep"

#: A service's answer, once decompressed: a batch of 500 papers is about 1 MiB.
MAX_ANSWER_BYTES = 32 * 2**20

#: Any file a user names or a list holds, read whole: 100,000 papers are about 30 MiB.
#: Past it the file is refused unread (a device, a FIFO, a wrong path), not grown into memory.
MAX_INPUT_BYTES = 256 * 2**20
