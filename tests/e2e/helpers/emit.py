# SPDX-License-Identifier: MIT
# emit.py OUT_HEX ERR_HEX CODE: writes the bytes OUT_HEX to fd 1 and ERR_HEX
# to fd 2 (raw, unbuffered), then exits with CODE.
import os
import sys

os.write(1, bytes.fromhex(sys.argv[1]))
os.write(2, bytes.fromhex(sys.argv[2]))
os._exit(int(sys.argv[3]))
