-- wrk script: POST the file named by $BENCH_BODY as JSON (the bulk certificate verification API).
local file = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
