-- wrk: requests the tile paths listed in a file (one per line), round-robin, each thread
-- starting at its own offset. Usage: wrk ... -s scripts/wrk/tiles.lua URL -- PATHS_FILE
local paths = {}
local next_index = 1
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("offset", thread_count * 7919)
end

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  next_index = (offset or 0) % #paths + 1
end

function request()
  local path = paths[next_index]
  next_index = next_index % #paths + 1
  return wrk.format("GET", path)
end
