"""extract stage: read text and facts from downloaded documents.

    sniff_kind(head, filename, content_type) -> kind
    extract_file(path, sha256, filename, content_type) -> Extraction   (never raises for bad input)
    ExtractorPool(workers, timeout, max_memory_mb).extract(...)          (async, in worker processes)
"""

from .core import extract_file
from .pool import ExtractorPool
from .sniff import sniff_kind

__all__ = ["ExtractorPool", "extract_file", "sniff_kind"]
