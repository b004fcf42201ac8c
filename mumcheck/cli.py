"""Command line: parses arguments, calls the library, prints. Nothing else lives here."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from mumcheck import __version__
from mumcheck.crawl import CrawlOptions
from mumcheck.crawl.fetch import FetchOptions
from mumcheck.pipeline import CheckOptions, SiteUnreachable, check_site
from mumcheck.profile import DEFAULT_PROFILE, available_profiles, load_profile
from mumcheck.report import FORMATS, render
from mumcheck.ruledata import RuleFileError
from mumcheck.rules import SEVERITY_ORDER, load_rules
from mumcheck.rules.engine import COMMON_FACTS, SUBJECT_FACTS
from mumcheck.store import Store, StoreError, default_db_path

FAIL_ON = ("error", "warning", "info", "never")
EXTENSIONS = {"text": "txt", "json": "json"}


class ToolError(click.ClickException):
    """The tool could not do its job: one line on stderr, exit status 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"mumcheck: ошибка: {self.message}", err=True)


def _fail_status(findings, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    limit = SEVERITY_ORDER[fail_on]
    return 1 if any(SEVERITY_ORDER.get(f["severity"], 9) <= limit for f in findings) else 0


def _write_outputs(report: dict, formats: tuple[str, ...], output: str | None, quiet: bool) -> None:
    formats = formats or ("text",)
    color = sys.stdout.isatty()
    if output is None:
        for fmt in formats:
            click.echo(render(report, fmt, color=color and fmt == "text"), nl=False)
        return
    target = Path(output)
    if len(formats) == 1 and not target.is_dir():
        _save(target, render(report, formats[0]))
        if not quiet:
            click.echo(f"Отчёт сохранён: {target}", err=True)
        return
    target.mkdir(parents=True, exist_ok=True)
    for fmt in formats:
        path = target / f"mumcheck-report.{EXTENSIONS[fmt]}"
        _save(path, render(report, fmt))
        if not quiet:
            click.echo(f"Отчёт сохранён: {path}", err=True)


def _save(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ToolError(f"не удалось записать отчёт в {path}: {exc.strerror}") from exc


class _Progress:
    """One status line on stderr while the crawl runs (only on a terminal)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.counts = {"page": 0, "link": 0, "document": 0}

    def __call__(self, what: str, count: int) -> None:
        if not self.enabled:
            return
        self.counts[what] = count
        click.echo(f"\rСтраниц: {self.counts['page']}, ссылок проверено: {self.counts['link']}, "
                   f"документов прочитано: {self.counts['document']}  ", err=True, nl=False)

    def done(self) -> None:
        if self.enabled:
            click.echo("", err=True)


def check_options(func):
    options = [
        click.option("--format", "-f", "formats", multiple=True, type=click.Choice(FORMATS),
                     help="Формат отчёта: text (по умолчанию) или json. Можно указать несколько."),
        click.option("--output", "-o", type=click.Path(dir_okay=True),
                     help="Файл отчёта (или папка, если форматов несколько). Без него отчёт печатается."),
        click.option("--db", "db_path", type=click.Path(dir_okay=False),
                     help=f"База SQLite с историей проверок (по умолчанию {default_db_path()})."),
        click.option("--profile", default=DEFAULT_PROFILE, show_default=True,
                     help="Профиль требований: " + ", ".join(available_profiles()) + "."),
        click.option("--fail-on", type=click.Choice(FAIL_ON), default="error", show_default=True,
                     help="Код выхода 1, если есть замечания этой важности или выше."),
        click.option("--ignore", multiple=True, metavar="RULE",
                     help="Не применять правило (например link.dead) или группу (link). Можно повторять."),
        click.option("--no-extract", is_flag=True, help="Только проверить ссылки, не читая документы."),
        click.option("--max-pages", type=click.IntRange(1), default=300, show_default=True,
                     help="Не больше страниц раздела."),
        click.option("--max-depth", type=click.IntRange(1), default=3, show_default=True,
                     help="Глубина обхода от страницы раздела."),
        click.option("--max-documents", type=click.IntRange(1), default=3000, show_default=True,
                     help="Не больше ссылок на документы."),
        click.option("--max-mb", type=click.IntRange(1), default=50, show_default=True,
                     help="Предельный размер одного документа, МБ."),
        click.option("--per-host", type=click.IntRange(1, 64), default=4, show_default=True,
                     help="Одновременных запросов к одному сайту."),
        click.option("--delay", type=click.FloatRange(0), default=0.0, show_default=True,
                     help="Пауза между запросами к одному сайту, с."),
        click.option("--timeout", type=click.FloatRange(1), default=20.0, show_default=True,
                     help="Тайм-аут одного запроса, с."),
        click.option("--insecure", is_flag=True, help="Не проверять TLS-сертификаты сайтов."),
        click.option("--workers", type=click.IntRange(1), default=None,
                     help="Процессов для чтения документов (по умолчанию — по числу ядер)."),
        click.option("--quiet", "-q", is_flag=True, help="Без строки прогресса и служебных сообщений."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _run_check(url: str, kw: dict) -> None:
    crawl = CrawlOptions(
        max_pages=kw["max_pages"], max_depth=kw["max_depth"], max_documents=kw["max_documents"],
        fetch=FetchOptions(per_host=kw["per_host"], delay=kw["delay"], timeout=kw["timeout"],
                           max_bytes=kw["max_mb"] * 1_048_576, verify=not kw["insecure"]),
    )
    options = CheckOptions(profile=kw["profile"], db_path=kw["db_path"], extract=not kw["no_extract"],
                           crawl=crawl, ignore=tuple(kw["ignore"]), workers=kw["workers"])
    progress = _Progress(enabled=sys.stderr.isatty() and not kw["quiet"])
    try:
        result = check_site(url, options, progress=progress)
    except (RuleFileError, StoreError, SiteUnreachable) as exc:
        raise ToolError(str(exc)) from exc
    except KeyboardInterrupt:
        raise ToolError("проверка прервана пользователем") from None
    except Exception as exc:  # a bug of ours: still one line and exit 2, details on request
        if os.environ.get("MUMCHECK_DEBUG"):
            raise
        raise ToolError(f"внутренняя ошибка ({exc.__class__.__name__}: {exc}); "
                        "подробности: MUMCHECK_DEBUG=1 mumcheck …") from exc
    finally:
        progress.done()
    _write_outputs(result.report, tuple(kw["formats"]), kw["output"], kw["quiet"])
    sys.exit(_fail_status(result.report["findings"], kw["fail_on"]))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="mumcheck")
def main() -> None:
    """Проверка раздела «Муниципальные инструменты управления качеством» на сайте
    муниципального органа управления образованием перед оценкой МУМ (ФИОКО).

    Находит раздел, обходит вкладки направлений 1.1–2.4, проверяет каждую ссылку, читает
    документы и говорит, что исправить, с предварительной оценкой баллов.

    Коды выхода: 0 — замечаний уровня --fail-on нет; 1 — есть; 2 — проверку выполнить не удалось.
    """


@main.command("check")
@click.argument("url")
@check_options
def check_command(url: str, **kw) -> None:
    """Проверить сайт по адресу URL (главная страница сайта или страница раздела).

    Пример: mumcheck check https://uo.example.ru/ --format json --output report.json
    """
    if "://" not in url:
        url = "http://" + url
    _run_check(url, kw)


@main.command("demo")
@check_options
def demo_command(**kw) -> None:
    """Показать работу на встроенном демонстрационном сайте (сеть не нужна).

    Сайт вымышленного муниципалитета запускается на 127.0.0.1 и проверяется как настоящий.
    """
    from mumcheck.demo import demo_site_dir
    from mumcheck.siteserver import SiteServer

    with SiteServer(demo_site_dir()) as server:
        if not kw["quiet"]:
            click.echo(f"Демонстрационный сайт: {server.url('/')}", err=True)
        _run_check(server.url("/"), kw)


@main.command("report")
@click.argument("run", default="last")
@click.option("--format", "-f", "formats", multiple=True, type=click.Choice(FORMATS), help="Формат отчёта.")
@click.option("--output", "-o", type=click.Path(), help="Файл (или папка) для отчёта.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="База SQLite с историей проверок.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="error", show_default=True,
              help="Код выхода 1, если в отчёте есть замечания этой важности или выше.")
def report_command(run: str, formats, output, db_path, fail_on) -> None:
    """Показать сохранённую проверку RUN (номер запуска или last) без повторного обхода.

    Список запусков: mumcheck runs.
    """
    try:
        with Store(db_path) as store:
            run_id = store.last_run_id() if run == "last" else _run_number(run)
            if run_id is None:
                raise ToolError("в базе нет завершённых проверок")
            report = store.load_report(run_id)
    except StoreError as exc:
        raise ToolError(str(exc)) from exc
    _write_outputs(report, tuple(formats), output, quiet=False)
    sys.exit(_fail_status(report["findings"], fail_on))


def _run_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ToolError(f"номер запуска должен быть числом или last, а не «{text}»") from None


@main.command("runs")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="База SQLite с историей проверок.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
def runs_command(db_path, limit) -> None:
    """Список сохранённых проверок (последние сверху)."""
    try:
        with Store(db_path) as store:
            rows = store.runs(limit=limit)
    except StoreError as exc:
        raise ToolError(str(exc)) from exc
    if not rows:
        click.echo("Проверок в базе нет.")
        return
    for row in rows:
        score = f"{row['score_total']:g}/{row['score_max']:g} ({row['score_percent']:g} %)" if row["score_max"] else "—"
        click.echo(f"{row['id']:>5}  {row['started']}  {row['status']:<8} {score:<22} "
                   f"ошибок {row['errors'] or 0:<3} {row['start_url']}")


@main.command("rules")
@click.option("--profile", default=None, help="Показать требования этого профиля.")
@click.option("--facts", is_flag=True, help="Показать факты, на которые могут ссылаться правила.")
def rules_command(profile, facts) -> None:
    """Список правил проверки и профилей требований (правила — файлы YAML в rules/)."""
    try:
        rules = load_rules()
        profiles = available_profiles()
        chosen = load_profile(profile) if profile else None
    except RuleFileError as exc:
        raise ToolError(str(exc)) from exc
    click.echo("Правила:")
    for rule in rules:
        click.echo(f"  {rule.id:<30} {rule.severity:<8} {rule.description}")
    click.echo("\nПрофили: " + ", ".join(profiles) + f" (по умолчанию {DEFAULT_PROFILE})")
    if chosen:
        click.echo(f"\n{chosen.id}: {chosen.title}")
        click.echo(f"  Направления: {', '.join(chosen.directions)}")
        for direction, stages in chosen.stage_requirements.items():
            click.echo(f"  {direction}: " + ", ".join(chosen.stage(s).title for s in stages))
    if facts:
        for subject, names in SUBJECT_FACTS.items():
            click.echo(f"\nФакты предмета {subject}:")
            for name, meaning in {**names, **COMMON_FACTS}.items():
                click.echo(f"  {name:<22} {meaning}")
