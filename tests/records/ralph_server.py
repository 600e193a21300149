"""Starts Ralph, a real LRS, on 127.0.0.1 for the tests (run as a script by the fixture).

Ralph's filesystem backend creates its file on the first write and refuses the
next ones unless it appends, so this launcher switches it to append mode.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
