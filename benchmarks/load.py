"""`python -m benchmarks.load`: load benchmark of the whole assistant over REST, side by side with stock Rasa.

Targets, each started on free ports by this script and stopped at the end:
- `embedded`: one Rasa instance + action server with the default endpoints (SQLite), as run.sh starts it;
- `scaled`:   two Rasa instances sharing PostgreSQL, Redis and RabbitMQ (endpoints.scaled.yml; throwaway
              servers, tests/scaled.py), messages spread over both instances by the client;
- `stock`:    a fresh `rasa init --no-prompt` assistant (default pipeline and policies, no action server)
              trained in a temporary directory.

For each target: closed-loop users (multi-turn conversations with exponential think time, mean
`--think` seconds: FAQ questions in Polish and English, the registration form's first steps,
unintelligible input, small talk; stock Rasa gets its own mood-bot phrases) at 50 and 200 users;
then an open-loop ramp (messages/s offered in steps) for the maximum sustained rate with
p95 <= 500 ms and no errors; then, for ours, the per-message cost of one long conversation (turn 10
vs turn 300) and the delay a maximum-length message causes to another user's "Dzień dobry".
Memory: resident set size of every server process after the load (from /proc).

The machine is shared: figures are noisy, rerun on an idle machine before quoting them.
Rate limits are switched off for the benchmark (VO_RATE_LIMIT=off): it measures capacity.

    .venv/bin/python -m benchmarks.load                       # everything, ~30 min on 2 cores
    .venv/bin/python -m benchmarks.load --targets embedded --duration 30   # a quicker look
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Sequence

os.environ["VO_RATE_LIMIT"] = "off"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import aiohttp  # noqa: E402

from runtime.nlu_process import process_ids  # noqa: E402
from tests.stack import BIN, ENV, ROOT, Stack, _stop, _wait, free_port, trained_model  # noqa: E402

REPORT = ROOT / "reports" / "load_benchmark.md"

OUR_SCRIPTS: List[List[str]] = [
    ["Dzień dobry", "Ile kosztuje rejestracja firmy w CEIDG?", "Czy muszę mieć profil zaufany?", "dziękuję"],
    ["Hello", "How do I suspend my business?", "What is the ZUS start relief?", "thanks", "bye"],
    ["Chcę zarejestrować firmę", "Jan", "Kowalski", "anuluj", "tak"],
    ["jak zalozyc firme", "xqzt vbnm", "ok", "do widzenia"],
    ["I want to register my business now", "John", "Smith", "cancel", "yes"],
    ["Czy jesteś botem?", "jaka będzie jutro pogoda?", "Jak zawiesić działalność?", "oceniam na 5"],
]
STOCK_SCRIPTS: List[List[str]] = [
    ["hi", "I am sad", "yes", "bye"],
    ["hello", "great", "goodbye"],
    ["hey", "not good", "no", "bye"],
    ["are you a bot?", "hi", "I am happy"],
]
LONG_POLISH = ("Chciałbym zapytać o rejestrację działalności gospodarczej i podatki w pierwszym roku " * 20)[:1000]
LONG_CJK = ("我想询问有关在波兰注册企业和第一年税收的问题" * 60)[:1000]


@dataclass
class Sample:
    started: float
    seconds: float
    ok: bool


@dataclass
class Target:
    name: str
    urls: List[str]
    scripts: List[List[str]]
    pids: Callable[[], Dict[str, int]]
    stop: Callable[[], None]
    ours: bool = True
    key: str = ""


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def nlu_processes(pids: Dict[str, int]) -> Dict[str, int]:
    """Each Rasa server's NLU process (runtime.nlu_process)."""
    return {f"{name} NLU process": child for name, pid in pids.items() for child in process_ids(pid)}


def wait_for_nlu_processes(target: Target, workdir: Path, timeout: float = 300) -> None:
    """Waits until every Rasa server of ours says its NLU process is ready: until then messages are
    parsed in the server (correct, but not the configuration being measured)."""
    servers = [name for name in target.pids() if name.startswith("rasa")]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = sum(log.read_text(errors="replace").count("NLU process ready") for log in workdir.rglob("*.log"))
        if ready >= len(servers):
            return
        time.sleep(1)
    print(f"  warning: not every NLU process of {target.name} was ready after {timeout:.0f} s", flush=True)


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> Sample:
    started = time.perf_counter()
    try:
        async with session.post(
            f"{url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=aiohttp.ClientTimeout(total=60),
        ) as response:
            body = await response.json(content_type=None) if response.status == 200 else None
            ok = response.status == 200 and bool(body)
    except (aiohttp.ClientError, asyncio.TimeoutError):
        ok = False
    return Sample(started, time.perf_counter() - started, ok)


async def closed_loop(target: Target, users: int, duration: float, think: float, seed: int = 1) -> List[Sample]:
    """`users` people, each repeating conversations with think time, for `duration` seconds."""
    samples: List[Sample] = []
    deadline = time.perf_counter() + duration
    connector = aiohttp.TCPConnector(limit=0)

    async def user(number: int, session: aiohttp.ClientSession) -> None:
        rng = random.Random(seed * 1000 + number)
        await asyncio.sleep(rng.uniform(0, think))  # arrivals spread out
        while time.perf_counter() < deadline:
            sender = f"load-{number}-{uuid.uuid4().hex[:8]}"
            url = rng.choice(target.urls)
            for text in rng.choice(target.scripts):
                if time.perf_counter() >= deadline:
                    return
                samples.append(await send(session, url, sender, text))
                await asyncio.sleep(rng.expovariate(1 / think))

    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(user(n, session) for n in range(users)))
    return samples


async def open_loop(target: Target, rate: float, duration: float, seed: int = 2) -> List[Sample]:
    """Messages offered at `rate` per second (Poisson arrivals), each a new turn of some conversation."""
    rng = random.Random(seed)
    conversations = [(f"ramp-{uuid.uuid4().hex[:8]}", rng.choice(target.scripts), [0]) for _ in range(200)]
    tasks = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        deadline = time.perf_counter() + duration
        while time.perf_counter() < deadline:
            sender, script, position = rng.choice(conversations)
            text = script[position[0] % len(script)]
            position[0] += 1
            tasks.append(asyncio.ensure_future(send(session, rng.choice(target.urls), sender, text)))
            await asyncio.sleep(rng.expovariate(rate))
        return list(await asyncio.gather(*tasks))


def summary(samples: List[Sample], duration: float) -> Dict[str, float]:
    latencies = [s.seconds * 1000 for s in samples if s.ok]
    return {
        "messages": len(samples),
        "throughput": len(latencies) / duration,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "errors": sum(1 for s in samples if not s.ok),
    }


async def max_sustained_rate(target: Target, step_seconds: float, rates: Sequence[float]) -> tuple[float, list]:
    best, steps = 0.0, []
    for rate in rates:
        result = summary(await open_loop(target, rate, step_seconds), step_seconds)
        steps.append((rate, result))
        print(f"  {target.name} offered {rate:.0f}/s: {fmt(result)}", flush=True)
        if result["p95"] <= 500 and result["errors"] == 0:
            best = rate
        else:
            break
    return best, steps


async def long_conversation(target: Target, turns: int = 300) -> Dict[str, float]:
    """Reply time of one conversation at turns 1-10 vs the last 10 of `turns`."""
    sender = f"long-{uuid.uuid4().hex[:8]}"
    phrases = ["Dzień dobry", "Ile kosztuje rejestracja firmy w CEIDG?", "dziękuję", "ok"]
    times: List[float] = []
    async with aiohttp.ClientSession() as session:
        for turn in range(turns):
            sample = await send(session, target.urls[0], sender, phrases[turn % len(phrases)])
            times.append(sample.seconds * 1000)
    return {"first": statistics.median(times[:10]), "last": statistics.median(times[-10:])}


async def stall(target: Target, long_text: str) -> Dict[str, float]:
    """How much a maximum-length message delays another user's greeting (median of 3)."""
    delays, alone_times = [], []
    async with aiohttp.ClientSession() as session:
        for _ in range(3):
            alone = (await send(session, target.urls[0], f"s-{uuid.uuid4().hex[:6]}", "Dzień dobry")).seconds
            long_task = asyncio.ensure_future(send(session, target.urls[0], f"l-{uuid.uuid4().hex[:6]}", long_text))
            await asyncio.sleep(0.05)
            beside = (await send(session, target.urls[0], f"s-{uuid.uuid4().hex[:6]}", "Dzień dobry")).seconds
            await long_task
            alone_times.append(alone * 1000)
            delays.append((beside - alone) * 1000)
    return {"alone": statistics.median(alone_times), "delay": statistics.median(delays)}


def fmt(result: Dict[str, float]) -> str:
    return (
        f"{result['throughput']:.1f} msg/s, p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, "
        f"p99 {result['p99']:.0f} ms, errors {result['errors']}/{result['messages']}"
    )


# --- targets ---------------------------------------------------------------------------------------
def start_embedded(workdir: Path) -> Target:
    stack = Stack(model=trained_model(), workdir=workdir).start()
    return Target(
        "embedded (1 instance)",
        [stack.url],
        OUR_SCRIPTS,
        lambda: {name: p.pid for name, p in stack.processes.items() if name != "website"},
        stack.stop,
    )


def start_scaled(workdir: Path) -> Target:
    from tests.scaled import ScaledStack

    stack = ScaledStack(model=trained_model(), workdir=workdir)
    # the benchmark measures capacity: no per-sender limit in the instances either
    stack.start()
    return Target(
        "scaled (2 instances)",
        [stack.url(i) for i in range(stack.instances)],
        OUR_SCRIPTS,
        lambda: {name: p.pid for name, p in stack.processes.items()},
        stack.stop,
    )


STOCK_PROJECT = ROOT / "var" / "bench-stock"


def start_stock(workdir: Path) -> Target:
    """A fresh `rasa init --no-prompt` project (made once under var/bench-stock/, reused while its model exists)."""
    workdir.mkdir(parents=True, exist_ok=True)
    project = STOCK_PROJECT
    if (project / "config.yml").exists() and not list(project.glob("models/*.tar.gz")):
        print("  waiting for the `rasa init` already training in var/bench-stock/", flush=True)
        for _ in range(1800):  # a previous run started it; its model appears when training ends
            if list(project.glob("models/*.tar.gz")):
                break
            time.sleep(1)
    if not list(project.glob("models/*.tar.gz")):
        shutil.rmtree(project, ignore_errors=True)
        project.mkdir(parents=True)
        subprocess.run(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)],
            cwd=project,
            env=ENV,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    port = free_port()
    log = workdir / "stock-rasa.log"
    process = subprocess.Popen(
        [str(BIN / "rasa"), "run", "--enable-api", "--port", str(port), "--model", "models"],
        cwd=project,
        env=ENV,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    _wait(f"http://127.0.0.1:{port}/status", process, log, 600)
    return Target(
        "stock `rasa init`",
        [f"http://127.0.0.1:{port}"],
        STOCK_SCRIPTS,
        lambda: {"rasa": process.pid},
        lambda: _stop(process),
        ours=False,
    )


STARTERS = {"embedded": start_embedded, "scaled": start_scaled, "stock": start_stock}


@dataclass
class Results:
    rows: List[tuple] = field(default_factory=list)
    ramps: Dict[str, tuple] = field(default_factory=dict)
    memory: Dict[str, Dict[str, float]] = field(default_factory=dict)
    extras: Dict[str, Dict[str, float]] = field(default_factory=dict)


async def bench(target: Target, args: argparse.Namespace, results: Results) -> None:
    for users in args.users:
        result = summary(await closed_loop(target, users, args.duration, args.think), args.duration)
        results.rows.append((target.name, users, result))
        print(f"  {target.name}, {users} users: {fmt(result)}", flush=True)
    pids = target.pids()
    results.memory[target.name] = {name: rss_mb(pid) for name, pid in {**pids, **nlu_processes(pids)}.items()}
    results.ramps[target.name] = await max_sustained_rate(target, args.step, args.rates)
    if target.ours and target.key in args.extras_on:
        extras = await long_conversation(target)
        extras.update({f"stall_pl_{k}": v for k, v in (await stall(target, LONG_POLISH)).items()})
        extras.update({f"stall_cjk_{k}": v for k, v in (await stall(target, LONG_CJK)).items()})
        results.extras[target.name] = extras
        print(f"  {target.name}: {extras}", flush=True)


def write_report(results: Results, args: argparse.Namespace, elapsed: float) -> None:
    load, cores = os.getloadavg(), os.cpu_count() or 1
    lines = [
        "# Load benchmark",
        "",
        f"Written by `python -m benchmarks.load {' '.join(sys.argv[1:])}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        f" ({elapsed / 60:.0f} min). REST channel, rate limits off. Think time: exponential, mean {args.think} s;"
        f" {args.duration:.0f} s per closed-loop run; ramp steps of {args.step:.0f} s.",
        "",
        f"Load average at the end: {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f} on {cores} cores"
        + (
            ". **Noisy figures**: over the 15 minutes the machine was busier than this benchmark alone makes it; "
            "rerun on an idle machine before quoting."
            if load[2] > cores
            else " (nothing else ran: the benchmark itself keeps it near 1)."
        ),
        "",
        "## Closed loop: concurrent users with think time",
        "",
        "| target | users | messages | throughput (msg/s) | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, users, r in results.rows:
        lines.append(
            f"| {name} | {users} | {r['messages']} | {r['throughput']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} |"
            f" {r['p99']:.0f} | {r['errors']} |"
        )
    lines += [
        "",
        "## Maximum sustained rate (open loop, p95 <= 500 ms and no errors)",
        "",
        "| target | max rate (msg/s) | steps (offered/s: throughput, p95, errors) |",
        "|---|---|---|",
    ]
    for name, (best, steps) in results.ramps.items():
        detail = "; ".join(f"{rate:.0f}: {r['throughput']:.1f}, {r['p95']:.0f} ms, {r['errors']}" for rate, r in steps)
        lines.append(f"| {name} | {best:.0f} | {detail} |")
    lines += ["", "## Memory after the load (resident set size, MB)", "", "| target | processes |", "|---|---|"]
    for name, memory in results.memory.items():
        lines.append(f"| {name} | " + ", ".join(f"{p} {mb:.0f}" for p, mb in memory.items()) + " |")
    if results.extras:
        lines += [
            "",
            "## Per-message cost as a conversation grows; one long message beside a short one",
            "",
            "| target | reply p50 turns 1-10 (ms) | reply p50 turns 291-300 (ms) | ratio | greeting alone (ms) |"
            " delay from a 1,000-char Polish message (ms) | delay from a 1,000-char CJK message (ms) |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, e in results.extras.items():
            lines.append(
                f"| {name} | {e['first']:.0f} | {e['last']:.0f} | {e['last'] / e['first']:.2f} | {e['stall_pl_alone']:.0f} |"
                f" {e['stall_pl_delay']:.0f} | {e['stall_cjk_delay']:.0f} |"
            )
    REPORT.write_text("\n".join(lines) + "\n")
    print(f"wrote {REPORT}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", nargs="+", default=["embedded", "scaled", "stock"], choices=list(STARTERS))
    parser.add_argument("--users", nargs="+", type=int, default=[50, 200])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per closed-loop run")
    parser.add_argument("--think", type=float, default=3.0, help="mean think time in seconds")
    parser.add_argument("--step", type=float, default=20.0, help="seconds per ramp step")
    parser.add_argument("--rates", nargs="+", type=float, default=[5, 10, 15, 20, 25, 31, 40, 50])
    parser.add_argument(
        "--extras-on", nargs="*", default=["embedded"], help="targets measured for long conversations and stalls"
    )
    args = parser.parse_args(argv)
    results = Results()
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="vo-load-", dir=ROOT / "var") as tmp:
        os.chmod(tmp, 0o755)  # the throwaway PostgreSQL runs as the `postgres` user
        for name in args.targets:
            print(f"starting {name}", flush=True)
            target = STARTERS[name](Path(tmp) / name)
            target.key = name
            try:
                if target.ours:
                    wait_for_nlu_processes(target, Path(tmp) / name)
                asyncio.run(bench(target, args, results))
            finally:
                target.stop()
    write_report(results, args, time.time() - started)


if __name__ == "__main__":
    main()
