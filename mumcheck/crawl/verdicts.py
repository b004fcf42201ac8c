"""What an HTML answer really is, when a link promised something else: a «not found» page served
with 200 (soft 404), a login form, or just a page where a document was expected."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html

from mumcheck.crawl.parse import clean_text, decode_html

_NOT_FOUND = re.compile(
    r"(страниц\w*|документ\w*|файл\w*|запис\w*|материал\w*|раздел\w*)\s+(\S+\s+)?не\s+(найден|существует)"
    r"|\bне\s+найден[аоы]?\b|\bошибка\s+404\b|^\s*404\b|\b404\s*[-–—:.]|\bpage\s+not\s+found\b|\bnot\s+found\b"
    r"|(страниц\w*|документ\w*|файл\w*|материал\w*)\s+(был[аои]?\s+)?удал[её]н|нет\s+такой\s+страницы",
    re.I,
)
_LOGIN_WORDS = re.compile(r"\b(вход|войти|авторизац\w*|login|log\s*in|sign\s*in|личный\s+кабинет)\b", re.I)
_LOGIN_PATH = re.compile(r"(^|/)(login|signin|sign-in|auth|authorize|auth\.php|logon|sso|oauth2?|idp)(/|\.|$|\?)", re.I)
_ESIA_HOSTS = re.compile(r"(^|\.)(esia\.gosuslugi\.ru|esia-portal\d*\.test\.gosuslugi\.ru)$", re.I)
_GOSUSLUGI = re.compile(r"(госуслуг|есиа|esia)", re.I)
MAX_SCAN_BYTES = 512 * 1024


@dataclass(frozen=True)
class PageLook:
    """What a person sees first on an HTML page: title, first heading, amount of text, forms."""

    title: str
    headline: str
    text_chars: int
    has_password: bool
    mentions_esia: bool

    @property
    def signature(self) -> tuple[str, str]:
        return (self.title, self.headline)


def look_at(content: bytes, charset: str | None = None) -> PageLook:
    text, _ = decode_html(content[:MAX_SCAN_BYTES], charset)
    try:
        root = lxml.html.fromstring(text) if text.strip() else None
    except (ValueError, lxml.etree.ParserError):
        root = None
    if root is None:
        return PageLook("", "", 0, False, False)
    for junk in root.xpath("//script|//style|//noscript"):
        junk.drop_tree()
    title = clean_text(" ".join(root.xpath("//title//text()")))
    h1 = root.xpath("(//h1)[1]")
    headline = clean_text(h1[0].text_content()) if h1 else ""
    body_text = clean_text(root.text_content())
    has_password = bool(root.xpath("//input[translate(@type,'PASSWORD','password')='password']"))
    forms_text = " ".join(f.text_content() for f in root.xpath("//form"))
    esia = bool(_GOSUSLUGI.search(forms_text) or root.xpath("//a[contains(@href,'esia.gosuslugi.ru')]"))
    return PageLook(title, headline, len(body_text), has_password, esia)


def says_not_found(look: PageLook) -> str | None:
    """The phrase by which a page says it was not found (in its title or first heading)."""
    for text in (look.headline, look.title):
        if text and len(text) <= 200:
            match = _NOT_FOUND.search(text)
            if match:
                return text
    return None


def login_reason(look: PageLook | None, final_url: str | None) -> str | None:
    """Why a page is a login form rather than content, or None."""
    host = (urlsplit(final_url or "").hostname or "").lower()
    if _ESIA_HOSTS.search(host):
        return "перенаправление на вход через Госуслуги (ЕСИА)"
    if look is None or not look.has_password:
        return None
    heading = f"{look.headline} {look.title}"
    if _LOGIN_WORDS.search(heading) or _LOGIN_PATH.search(urlsplit(final_url or "").path or ""):
        via = " через Госуслуги (ЕСИА)" if look.mentions_esia else ""
        return f"вместо документа открывается форма входа{via} («{look.headline or look.title}»)"
    return None


def same_template(look: PageLook, probe: PageLook) -> bool:
    """Two answers of one host look like the same error template."""
    if not probe.signature[0] and not probe.signature[1]:
        return False
    if look.signature != probe.signature:
        return False
    larger = max(look.text_chars, probe.text_chars, 1)
    return abs(look.text_chars - probe.text_chars) <= 0.15 * larger + 40
