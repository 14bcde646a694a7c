#!/usr/bin/env python3
"""A bounded, paced HTTP load on 127.0.0.1: RATE requests a second in all from THREADS threads, at most
MAX requests and SECONDS seconds. Prints one line: sent, failed, achieved rate. Loopback only."""
import http.client
import sys
import threading
import time

port, rate, threads, max_requests, seconds = (int(a) for a in sys.argv[1:6])
lock = threading.Lock()
sent = failed = 0
start = time.monotonic()
deadline = start + seconds
every = threads / rate


def worker(offset):
    global sent, failed
    conn = None
    nxt = start + offset
    while time.monotonic() < deadline:
        pause = nxt - time.monotonic()
        if pause > 0:
            time.sleep(pause)  # pacing the load, not waiting for a condition
        nxt = max(nxt + every, time.monotonic() - every)
        with lock:
            if sent >= max_requests:
                return
            sent += 1
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/")
            rsp = conn.getresponse()
            rsp.read()
            ok = rsp.status == 200
            if rsp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            ok = False
            if conn is not None:
                conn.close()
            conn = None
        if not ok:
            with lock:
                failed += 1


workers = [threading.Thread(target=worker, args=(every * i / threads,)) for i in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
elapsed = time.monotonic() - start
print(f"sent={sent} failed={failed} rate={sent / elapsed:.0f}/s over {elapsed:.1f} s")
