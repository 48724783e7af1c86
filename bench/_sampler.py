"""A tiny wall-clock sampling profiler for every thread of a process (cProfile and pyinstrument see
only the thread they start in; Daphne does its database work on another one). Standard library
only.

    python bench/_sampler.py OUT.txt -m daphne ...      # runs the module, writes OUT.txt at exit

Every INTERVAL seconds it records each thread's stack; at exit it writes, per thread, the
functions most often on the stack ("total": the share of samples a function was anywhere on the
stack; "self": at the top). Waiting (a lock, a socket) counts as much as running, which is the
point: it shows where a request's time goes, not only where the CPU goes.
"""

from __future__ import annotations

import atexit
import runpy
import sys
import threading
from collections import Counter, defaultdict

INTERVAL = 0.005


class Sampler:
    def __init__(self, out_path: str):
        self.out_path = out_path
        self.samples: Counter = Counter()
        self.total: dict[str, Counter] = defaultdict(Counter)
        self.own: dict[str, Counter] = defaultdict(Counter)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()
        atexit.register(self.write)

    def _run(self) -> None:
        me = threading.get_ident()
        ticks = 0
        while not self._stop.wait(INTERVAL):
            ticks += 1
            if ticks % 1000 == 0:  # also every few seconds: a killed process never reaches atexit
                self.write(final=False)
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                name = names.get(ident, str(ident))
                name = "main" if name == "MainThread" else ("worker" if "Thread" in name else name)
                self.samples[name] += 1
                seen = set()
                top = True
                while frame is not None:
                    code = frame.f_code
                    key = (
                        f"{code.co_filename.split('site-packages/')[-1]}:{code.co_firstlineno} {code.co_name}"
                    )
                    if top:
                        self.own[name][key] += 1
                        top = False
                    if key not in seen:
                        self.total[name][key] += 1
                        seen.add(key)
                    frame = frame.f_back

    def write(self, final: bool = True) -> None:
        if final:
            self._stop.set()
        lines = []
        for name, n in self.samples.most_common():
            lines.append(f"== thread {name}: {n} samples ({n * INTERVAL:.0f} s)")
            lines.append("-- total (on the stack)")
            lines += [f"{100 * c / n:6.1f} %  {k}" for k, c in self.total[name].most_common(60)]
            lines.append("-- self (top of the stack)")
            lines += [f"{100 * c / n:6.1f} %  {k}" for k, c in self.own[name].most_common(40)]
        with open(self.out_path, "w") as f:
            f.write("\n".join(lines) + "\n")


def main() -> None:
    out_path, flag, module, *rest = sys.argv[1:]
    if flag != "-m":
        sys.exit(__doc__)
    Sampler(out_path).start()
    sys.argv = [module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
