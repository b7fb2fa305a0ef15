# From a nextest log: after its summary, each failed test's name and its panic message without
# the backtrace, so the end of a long CI log still says what failed and why.
/^ *Summary \[/ { summary = 1; next }
!summary { next }
/^ *(FAIL|SIGSEGV|SIGABRT|SIGKILL|TIMEOUT) \[/ { printing = 0; print ""; print; next }
/ panicked at |^ *Error: / { printing = 1; lines = 0 }
printing {
  if ($0 ~ /^ *stack backtrace:|^ *[0-9]+: |^ *note: / || lines >= 15) { printing = 0; next }
  print
  lines++
}
