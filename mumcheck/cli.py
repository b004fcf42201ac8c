"""Command line: parses arguments, calls the library, prints. Nothing else lives here."""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
from pathlib import Path

import click

from mumcheck import __version__
from mumcheck.crawl import CrawlOptions
from mumcheck.crawl.fetch import FetchOptions, validate_fetch_options
from mumcheck.pipeline import CheckOptions, SiteUnreachable, check_site
from mumcheck.config import load_config
from mumcheck.profile import DEFAULT_PROFILE, available_profiles, load_profile
from mumcheck.report import BINARY_FORMATS, FORMATS, render
from mumcheck.report import EXTENSIONS as REPORT_EXTENSIONS
from mumcheck.ruledata import RuleFileError
from mumcheck.rules import SEVERITY_ORDER, load_rules
from mumcheck.rules.engine import COMMON_FACTS, SUBJECT_FACTS
from mumcheck.batch import RegionFileError
from mumcheck.report.changes import CHANGE_FORMATS
from mumcheck.report.region import REGION_FORMATS
from mumcheck.store import Store, StoreError, default_db_path

FAIL_ON = ("error", "warning", "info", "never")
EXTENSIONS = {"text": "txt", "json": "json", **REPORT_EXTENSIONS}


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
            if fmt in BINARY_FORMATS and sys.stdout.isatty():
                raise ToolError(f"формат {fmt} нельзя вывести в терминал: укажите файл, например -o отчёт.{fmt}")
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


def _save(path: Path, text: str | bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ToolError(f"не удалось записать отчёт в {path}: {exc.strerror}") from exc


class _Progress:
    """A progress bar on stderr while the crawl and extraction run (only on a terminal).

    The library reports events (``page``, ``queued``, ``link``, ``document``) with a count; the
    bar shows links checked out of links found so far."""

    WIDTH = 24

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.counts = {"page": 0, "queued": 0, "link": 0, "document": 0}

    def __call__(self, what: str, count: int) -> None:
        if not self.enabled:
            return
        self.counts[what] = count
        found, checked = max(self.counts["queued"], self.counts["link"]), self.counts["link"]
        filled = int(self.WIDTH * checked / found) if found else 0
        bar = "█" * filled + "░" * (self.WIDTH - filled)
        click.echo(f"\rСтраниц: {self.counts['page']}  ссылки [{bar}] {checked}/{found}  "
                   f"документов прочитано: {self.counts['document']}  ", err=True, nl=False)

    def done(self) -> None:
        if self.enabled:
            click.echo("", err=True)


def check_options(func=None, *, formats: tuple[str, ...] = FORMATS):
    """The options every checking command shares; ``formats`` are the ones its output has."""
    if func is None:
        return lambda f: check_options(f, formats=formats)
    options = [
        click.option("--format", "-f", "formats", multiple=True, type=click.Choice(formats),
                     help=f"Формат: {', '.join(formats)} (по умолчанию text). Можно указать несколько."),
        click.option("--output", "-o", type=click.Path(dir_okay=True),
                     help="Файл отчёта (или папка, если форматов несколько). Без него отчёт печатается."),
        click.option("--db", "db_path", type=click.Path(dir_okay=False),
                     help=f"База SQLite с историей проверок (по умолчанию {default_db_path()})."),
        click.option("--profile", default=None,
                     help="Профиль требований: " + ", ".join(available_profiles())
                          + f" (по умолчанию — из mumcheck.toml, иначе {DEFAULT_PROFILE})."),
        click.option("--fail-on", type=click.Choice(FAIL_ON), default="error", show_default=True,
                     help="Код выхода 1, если есть замечания этой важности или выше."),
        click.option("--ignore", multiple=True, metavar="RULE",
                     help="Не применять правило (например link.dead) или группу (link). Можно повторять."),
        click.option("--no-extract", is_flag=True, help="Только проверить ссылки, не читая документы."),
        click.option("--ocr", is_flag=True,
                     help="Распознавать сканы и изображения (нужен tesseract-ocr-rus; см. mumcheck doctor)."),
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
        click.option("--ca-bundle", type=click.Path(exists=True, dir_okay=False), default=None,
                     help="Файл PEM с дополнительными корневыми сертификатами (например, НУЦ Минцифры — "
                          "Russian Trusted Root CA)."),
        click.option("--ignore-robots", is_flag=True, help="Проверять и адреса, которые запрещает robots.txt сайта."),
        click.option("--resolve", multiple=True, metavar="ХОСТ:ПОРТ:АДРЕС",
                     help="Обращаться к ХОСТ:ПОРТ по адресу АДРЕС, как curl --resolve. Можно повторять."),
        click.option("--workers", type=click.IntRange(1), default=None,
                     help="Процессов для чтения документов (по умолчанию — по числу ядер)."),
        click.option("--quiet", "-q", is_flag=True, help="Без строки прогресса и служебных сообщений."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _options_from(kw: dict) -> CheckOptions:
    crawl = CrawlOptions(
        max_pages=kw["max_pages"], max_depth=kw["max_depth"], max_documents=kw["max_documents"],
        fetch=FetchOptions(per_host=kw["per_host"], delay=kw["delay"], timeout=kw["timeout"],
                           max_bytes=kw["max_mb"] * 1_048_576, verify=not kw["insecure"],
                           ca_bundle=kw["ca_bundle"], robots=not kw["ignore_robots"], resolve=tuple(kw["resolve"])),
    )
    try:
        validate_fetch_options(crawl.fetch)
    except ValueError as exc:
        raise ToolError(str(exc)) from exc
    try:  # mumcheck.toml / [tool.mumcheck] of the current directory; flags override it
        config = load_config()
    except RuleFileError as exc:
        raise ToolError(str(exc)) from exc
    return CheckOptions(profile=kw["profile"] or config.profile or DEFAULT_PROFILE, db_path=kw["db_path"],
                        extract=not kw["no_extract"], crawl=crawl, ignore=config.ignore + tuple(kw["ignore"]),
                        severity=tuple(config.severity.items()), workers=kw["workers"], ocr=kw.get("ocr", False))


@contextlib.contextmanager
def _tool_errors():
    """Every failure of the tool itself ends as one Russian line on stderr and exit status 2."""
    try:
        yield
    except (RuleFileError, StoreError, SiteUnreachable, RegionFileError) as exc:
        raise ToolError(str(exc)) from exc
    except KeyboardInterrupt:
        raise ToolError("проверка прервана пользователем; запустите команду снова, чтобы продолжить") from None
    except click.ClickException:
        raise
    except Exception as exc:  # a bug of ours: still one line and exit 2, details on request
        if os.environ.get("MUMCHECK_DEBUG"):
            raise
        raise ToolError(f"внутренняя ошибка ({exc.__class__.__name__}: {exc}); "
                        "подробности: MUMCHECK_DEBUG=1 mumcheck …") from exc


def _run_check(url: str, kw: dict) -> None:
    options = _options_from(kw)
    progress = _Progress(enabled=sys.stderr.isatty() and not kw["quiet"])
    try:
        with _tool_errors():
            result = check_site(url, options, progress=progress)
    finally:
        progress.done()
    _write_outputs(result.report, tuple(kw["formats"]), kw["output"], kw["quiet"])
    sys.exit(_fail_status(result.report["findings"], kw["fail_on"]))


def run() -> None:
    """The console entry point: ``main`` without the interpreter's slow teardown.

    Freeing the objects of a finished check one by one takes longer than the OS takes to drop
    the whole process (≈ 70 ms after a 1,000-document check), so once the exit handlers have run
    and the outputs are flushed, the process ends at once. SIGTERM (a CI job cancelled, ``kill``)
    unwinds like Ctrl-C, so the extraction workers are stopped and the database is closed. ``main``
    stays a plain click command for tests and for embedding."""
    signal.signal(signal.SIGTERM, _terminated)
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None when the descriptor was closed (mumcheck rules >&-)
                stream.flush()
        except Exception:  # a closed pipe (mumcheck … | head) or a stream closed meanwhile
            pass
    os._exit(code or 0)


def _terminated(signum, _frame) -> None:
    raise SystemExit(128 + signum)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="mumcheck")
def main() -> None:
    """Проверка раздела «Муниципальные инструменты управления качеством» на сайте
    муниципального органа управления образованием перед оценкой МУМ (ФИОКО).

    Находит раздел, обходит вкладки направлений 1.1–2.4, проверяет каждую ссылку, читает
    документы и говорит, что исправить, с предварительной оценкой баллов.

    Коды выхода: 0 — замечаний уровня --fail-on нет; 1 — есть; 2 — проверку выполнить не удалось;
    143 — остановлено сигналом SIGTERM.
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
        points = ", ".join(f"{code} — {value:g}" for code, value in chosen.direction_points.items())
        click.echo(f"  Баллы: всего {chosen.total_points:g}; {points}")
        for position in chosen.positions:
            value = "?" if position.points is None else f"{position.points:g}"
            click.echo(f"  позиция {position.id} ({value}): {position.title}")
        if not chosen.verified:
            click.echo(f"  Не подтверждено источниками: {chosen.unverified_note}")
    if facts:
        for subject, names in SUBJECT_FACTS.items():
            click.echo(f"\nФакты предмета {subject}:")
            for name, meaning in {**names, **COMMON_FACTS}.items():
                click.echo(f"  {name:<22} {meaning}")


def _batch_progress(enabled: bool):
    def report(done: int, total: int, outcome: dict) -> None:
        if enabled:
            state = "готово" if outcome["status"] == "done" else f"не проверен: {outcome.get('error', '')}"
            click.echo(f"[{done}/{total}] {outcome['name']} — {state}", err=True)
    return report


@main.command("batch")
@click.argument("file", type=click.Path(dir_okay=False))
@check_options(formats=REGION_FORMATS)
@click.option("--concurrency", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Сколько муниципалитетов проверять одновременно.")
def batch_command(file: str, concurrency: int, **kw) -> None:
    """Проверить все муниципалитеты региона из CSV-файла FILE (столбцы name,url, можно profile;
    UTF-8 или windows-1251, разделитель «,» или «;»).

    С --output ПАПКА в ней будут index.html (рейтинг, зоны, средние по направлениям) и отчёт
    каждого муниципалитета. Прерванная проверка (Ctrl-C) продолжается с того же места при
    повторном запуске той же команды.
    """
    from mumcheck.batch import BatchOptions, read_region, run_batch, write_region_outputs
    from mumcheck.report.region import render_region

    formats = tuple(kw["formats"]) or (("html", "json") if kw["output"] else ("text",))
    with _tool_errors():
        municipalities = read_region(file)
        options = BatchOptions(check=_options_from(kw), concurrency=concurrency)
        summary = run_batch(municipalities, options, progress=_batch_progress(not kw["quiet"]))
        if kw["output"]:
            per_site = "html" if "html" in FORMATS else "text"
            for path in write_region_outputs(summary, kw["output"], formats, per_site, kw["db_path"]):
                if not kw["quiet"] and path.parent == Path(kw["output"]):
                    click.echo(f"Сводка сохранена: {path}", err=True)
        else:
            for fmt in formats:
                click.echo(render_region(summary, fmt), nl=False)
    failed = any(m["status"] != "done" for m in summary["municipalities"])
    findings = [{"severity": s} for m in summary["municipalities"] for s, n in m["findings"].items() for _ in range(n)]
    sys.exit(1 if failed and kw["fail_on"] != "never" else _fail_status(findings, kw["fail_on"]))


@main.command("monitor")
@click.argument("url", required=False)
@click.option("--batch", "batch_file", type=click.Path(dir_okay=False), help="CSV региона вместо одного адреса.")
@check_options(formats=CHANGE_FORMATS)
@click.option("--concurrency", type=click.IntRange(1, 64), default=8, show_default=True,
              help="С --batch: сколько муниципалитетов проверять одновременно.")
def monitor_command(url: str | None, batch_file: str | None, concurrency: int, **kw) -> None:
    """Проверить сайт снова и показать, что изменилось с прошлой проверки в базе: новые и
    исправленные замечания, добавленные, удалённые и изменённые документы, страницы.

    Код выхода 1 — только если появились новые замечания уровня --fail-on. Для ночного запуска
    храните базу (--db) между запусками.
    """
    from mumcheck.monitor import compare, monitor_site
    from mumcheck.report.changes import render_many

    if bool(url) == bool(batch_file):
        raise ToolError("укажите либо адрес сайта, либо --batch ФАЙЛ")
    formats = tuple(kw["formats"]) or ("text",)
    options = _options_from(kw)
    with _tool_errors():
        if url:
            all_changes = [monitor_site(url if "://" in url else "http://" + url, options)]
        else:
            from mumcheck.batch import BatchOptions, read_region, run_batch

            summary = run_batch(read_region(batch_file), BatchOptions(check=options, concurrency=concurrency),
                                progress=_batch_progress(not kw["quiet"]))
            with Store(options.db_path) as store:
                all_changes = [compare(store, m["run_id"], store.previous_done_run(m["url"], before=m["run_id"]))
                               for m in summary["municipalities"] if m["status"] == "done"]
    for fmt in formats:
        text = render_many(all_changes, fmt)
        if kw["output"] and len(formats) == 1:
            _save(Path(kw["output"]), text)
        elif kw["output"]:
            _save(Path(kw["output"]) / f"changes.{ {'junit': 'xml', 'markdown': 'md', 'text': 'txt'}.get(fmt, fmt) }", text)
        else:
            click.echo(text, nl=False)
    new = [f for changes in all_changes for f in changes["new_findings"]]
    sys.exit(_fail_status(new, kw["fail_on"]))


@main.command("doctor")
def doctor_command() -> None:
    """Какие системные программы для чтения документов установлены и как поставить недостающие."""
    from mumcheck.extract.tools import available_tools

    tools = available_tools()
    click.echo("Программы для чтения документов:")
    for tool in tools:
        mark = "есть" if tool.present else "нет "
        click.echo(f"  [{mark}] {tool.name} — {tool.purpose}: {tool.detail}")
        if not tool.present:
            click.echo(f"         установить: {tool.install}")
    missing = sum(not tool.present for tool in tools)
    click.echo("Всё установлено." if not missing else
               f"Не хватает программ: {missing}. Без них такие документы отмечаются как непрочитанные.")


@main.command("history")
@click.argument("url")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="База SQLite с историей проверок.")
@click.option("--limit", type=click.IntRange(1), default=30, show_default=True)
def history_command(url: str, db_path: str | None, limit: int) -> None:
    """История проверок сайта URL: оценка и число замечаний по каждому запуску."""
    from mumcheck.monitor import history

    with _tool_errors():
        rows = history(url if "://" in url else "http://" + url, db_path, limit)
    if not rows:
        click.echo("Проверок этого сайта в базе нет.")
        return
    click.echo(f"{'№':>5}  {'дата':<25} {'оценка':<22} {'ошибок':>6} {'предупр.':>8}")
    for row in rows:
        score = (f"{row['score_total']:g} из {row['score_max']:g} ({row['score_percent']:g} %)"
                 if row["score_max"] else row["status"])
        click.echo(f"{row['id']:>5}  {row['started']:<25} {score:<22} {row['errors'] or 0:>6} {row['warnings'] or 0:>8}")
