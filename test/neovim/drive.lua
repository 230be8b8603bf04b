-- Drives a headless Neovim for test/lsp/neovim.test.ts: loads an editor configuration (a README block), opens a release
-- file, waits (bounded) for the Kayron server to attach and publish diagnostics, asks for document symbols, and writes
-- what Neovim saw as JSON. Run as: nvim --headless -u NONE -i NONE -n +'luafile test/neovim/drive.lua'
-- Environment: KAYRON_NVIM_CONFIG (lua file), KAYRON_NVIM_FILE (file to open), KAYRON_NVIM_OUT (JSON written here),
-- KAYRON_NVIM_BUDGET_MS (per wait; generous, a passing run returns as soon as the state is reached),
-- KAYRON_NVIM_EXPECT_OWNER (optional: wait until the server announces this GitHub owner, i.e. its settings arrived).
local out_path = assert(os.getenv('KAYRON_NVIM_OUT'), 'KAYRON_NVIM_OUT')
local budget = tonumber(os.getenv('KAYRON_NVIM_BUDGET_MS') or '60000')
local version = vim.version()
local result = { nvim = string.format('%d.%d.%d', version.major, version.minor, version.patch), steps = {} }

local function write_result()
  local file = assert(io.open(out_path, 'w'))
  file:write(vim.json.encode(result))
  file:close()
end

local function clients_of(buf)
  if vim.lsp.get_clients then return vim.lsp.get_clients({ bufnr = buf }) end
  local list = {}
  for _, client in pairs(vim.lsp.buf_get_clients(buf)) do table.insert(list, client) end
  return list
end

-- Debian 12's Neovim (0.7) has no vim.lsp.start: the same behaviour (one client per name and root, attached to the
-- current buffer, `settings` pushed after initialize as later versions do) from the 0.7 API, so the README's 0.8+
-- block runs unchanged.
if not vim.lsp.start then
  result.shim = 'vim.lsp.start from start_client + buf_attach_client'
  local started = {}
  vim.lsp.start = function(config)
    local key = config.name .. '\0' .. (config.root_dir or '')
    config.on_init = function(client)
      if next(config.settings or {}) then client.notify('workspace/didChangeConfiguration', { settings = config.settings }) end
    end
    local id = started[key] or vim.lsp.start_client(config)
    started[key] = id
    vim.lsp.buf_attach_client(vim.api.nvim_get_current_buf(), id)
    return id
  end
end

-- Record what Neovim answers to the server's settings requests (built from the config's `settings`).
result.configuration = {}
local answer_configuration = vim.lsp.handlers['workspace/configuration']
vim.lsp.handlers['workspace/configuration'] = function(err, params, ctx, config)
  local answer = answer_configuration(err, params, ctx, config)
  for index, item in ipairs(params.items or {}) do
    table.insert(result.configuration, { section = item.section or vim.NIL, value = (answer or {})[index] or vim.NIL })
  end
  return answer
end

-- The owners the server resolved (from the settings), as it announces them.
result.owners = {}
vim.lsp.handlers['kayron/githubState'] = function(_, params)
  result.owners = params.owners or {}
end

local ok, failure = pcall(function()
  vim.cmd('filetype on')
  dofile((assert(os.getenv('KAYRON_NVIM_CONFIG'), 'KAYRON_NVIM_CONFIG')))
  vim.cmd('edit ' .. vim.fn.fnameescape((assert(os.getenv('KAYRON_NVIM_FILE'), 'KAYRON_NVIM_FILE'))))
  local buf = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[buf].filetype

  table.insert(result.steps, 'attach')
  if not vim.wait(budget, function() return #clients_of(buf) > 0 end, 50) then error('no client attached within ' .. budget .. ' ms') end
  local client = clients_of(buf)[1]
  result.client = { name = client.name, root_dir = client.config.root_dir }

  table.insert(result.steps, 'diagnostics')
  if not vim.wait(budget, function() return #vim.diagnostic.get(buf) > 0 end, 50) then error('no diagnostics within ' .. budget .. ' ms') end
  result.diagnostics = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(buf)) do
    local lsp = (diagnostic.user_data or {}).lsp or {}
    table.insert(result.diagnostics, {
      lnum = diagnostic.lnum,
      col = diagnostic.col,
      severity = diagnostic.severity,
      source = diagnostic.source or vim.NIL,
      code = diagnostic.code or lsp.code or vim.NIL,
      href = (lsp.codeDescription or {}).href or vim.NIL,
      message = diagnostic.message,
    })
  end

  table.insert(result.steps, 'documentSymbol')
  local params = { textDocument = vim.lsp.util.make_text_document_params(buf) }
  local responses, request_error = vim.lsp.buf_request_sync(buf, 'textDocument/documentSymbol', params, budget)
  if not responses then error('documentSymbol: ' .. tostring(request_error)) end
  result.symbols = {}
  for _, response in pairs(responses) do
    if response.err then error('documentSymbol: ' .. vim.inspect(response.err)) end
    for _, symbol in ipairs(response.result or {}) do
      local children = {}
      for _, child in ipairs(symbol.children or {}) do table.insert(children, child.name) end
      table.insert(result.symbols, { name = symbol.name, detail = symbol.detail or vim.NIL, line = symbol.range.start.line, children = children })
    end
  end
  local owner = os.getenv('KAYRON_NVIM_EXPECT_OWNER')
  if owner then
    table.insert(result.steps, 'settings')
    vim.wait(budget, function() return vim.tbl_contains(result.owners, owner) end, 50)
  end
  table.insert(result.steps, 'done')
end)

if not ok then result.error = tostring(failure) end
write_result()
vim.cmd('qall!')
