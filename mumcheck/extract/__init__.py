"""extract stage: read text and facts from downloaded documents.

    sniff_kind(head, filename, content_type) -> kind
    extract_file(path, sha256, filename, content_type, ocr=False) -> Extraction   (never raises for bad input)
    ExtractorPool(workers, timeout, max_memory_mb, ocr).extract(...)       (async, in worker processes)
    available_tools() -> [Tool]   optional system tools (tesseract, antiword, catdoc, LibreOffice, libmagic)
"""

from .core import extract_file
from .pool import ExtractorPool
from .sniff import sniff_kind

from .tools import available_tools

__all__ = ["ExtractorPool", "available_tools", "extract_file", "sniff_kind"]
