"""moto's server, with its request recorder safe for requests that arrive
together. moto appends each request to its recording file in several writes
once an entry outgrows the file buffer (a GetMetricData call of many
queries), so two requests recorded at the same moment can interleave and
both be lost to the reader; the tests that count requests would then see
fewer than awstop sent. One lock around each entry keeps every line whole.
"""
import sys
import threading

from moto.moto_api._internal.recorder.models import Recorder
from moto.server import main

_lock = threading.Lock()
_record = Recorder._record_request


def _record_whole(self, *args, **kwargs):
    with _lock:
        return _record(self, *args, **kwargs)


Recorder._record_request = _record_whole

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
