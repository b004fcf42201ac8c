"""URL normalisation: every URL is brought to one form once, so each is fetched once."""

from __future__ import annotations

from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

SKIPPED_SCHEMES = frozenset({"mailto", "tel", "javascript", "data", "file", "ftp", "callto", "skype", "sms"})
FETCHABLE_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

# Characters left as they are when re-quoting a path or a query: the reserved ones and '%'.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = "/?:@!$&'()*+,;=-._~%"


def scheme_of(href: str) -> str:
    head = href.strip().split(":", 1)
    if len(head) == 2 and head[0] and head[0].isascii() and head[0].replace("+", "").replace(".", "").replace("-", "").isalnum():
        return head[0].lower()
    return ""


def is_skipped(href: str) -> bool:
    """Links that are never fetched: mail, phone, scripts, inline data, local files."""
    return scheme_of(href) in SKIPPED_SCHEMES


def _host_to_ascii(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return ".".join(
            label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
            for label in host.split(".")
        )


def _requote(part: str, safe: str) -> str:
    # Unquote only what is safe to unquote, then quote: «%D0%9F» and «П» end up the same.
    return quote(unquote(part, errors="surrogateescape"), safe=safe, errors="surrogateescape")


def normalize(url: str) -> str:
    """Canonical form: lower-case scheme and host, IDN to punycode, no default port,
    Cyrillic and spaces percent-encoded (UTF-8), fragment dropped, query kept as is."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = _host_to_ascii(parts.hostname or "")
    netloc = host
    if parts.port and parts.port != DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    path = _requote(parts.path or "/", _PATH_SAFE)
    query = _requote(parts.query, _QUERY_SAFE)
    return urlunsplit((scheme, netloc, path, query, ""))


def resolve(base: str, href: str) -> str | None:
    """Absolute, normalised URL of ``href`` on a page at ``base``; None if it is not fetchable."""
    href = (href or "").strip().replace("\\", "/")
    if not href or href.startswith("#") or is_skipped(href):
        return None
    try:
        absolute = urljoin(base, href)
        if scheme_of(absolute) not in FETCHABLE_SCHEMES:
            return None
        return normalize(absolute)
    except ValueError:
        return None


def fragment_of(href: str) -> str | None:
    # what urlsplit() calls the fragment, without its checks of the rest: a malformed address
    # such as "//host\\[x" must not cost the page it stands on
    frag = href.strip().partition("#")[2]
    return unquote(frag) or None


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc.lower()


def same_host(a: str, b: str) -> bool:
    ha, hb = host_of(a), host_of(b)
    return ha == hb or ha.removeprefix("www.") == hb.removeprefix("www.")


def path_of(url: str) -> str:
    return urlsplit(url).path


def is_under(url: str, prefix_url: str) -> bool:
    """True when url lies in the folder of prefix_url (same host)."""
    if not same_host(url, prefix_url):
        return False
    folder = path_of(prefix_url)
    folder = folder if folder.endswith("/") else folder.rsplit("/", 1)[0] + "/"
    return path_of(url).startswith(folder) and folder != "/"


def filename_of(url: str) -> str:
    """The last path segment, decoded: «Приказ № 5.pdf»."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return name


def display(url: str) -> str:
    """A URL as a person reads it: Cyrillic decoded, punycode left as is."""
    return unquote(url)
