-- wrk script of bench/ballots.sh: each request casts one owner's ballot, the owners in turn (from
-- the CSV in $CODES, owner_id,code) and the choices in turn, so that owners vote again and change
-- their minds as the run goes on.
local codes = {}
for line in io.lines(os.getenv("CODES")) do
  local code = line:match("^%d+,(.+)$")
  if code then codes[#codes + 1] = code end
end
local choices = { "agree", "oppose", "abstain" }
local path = "/api/v1/my/votes/" .. os.getenv("VOTE") .. "/ballot"
local i = math.random(#codes)

request = function()
  i = i + 1
  local code = codes[(i % #codes) + 1]
  local body = '{"choice":"' .. choices[(i % 3) + 1] .. '"}'
  return wrk.format("POST", path, { ["Authorization"] = "Owner " .. code, ["Content-Type"] = "application/json" }, body)
end
