-- wrk script: GET the paths in $BENCH_PATHS (separated by spaces) in turn, on every connection (the soak's mix).
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS"), "%S+") do
  table.insert(paths, path)
end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
