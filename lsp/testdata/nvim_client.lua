-- Drives katafilter's language server from Neovim's own LSP client (Neovim 0.7 or newer:
-- vim.lsp.start_client, which Debian's neovim has). Run headless by e2e_test.go with
-- KF_BIN (the katafilter binary), KF_FILE (the .kfl file to open) and KF_OUT (where to write
-- what the client saw, one fact per line).
local out = {}
local function log(s) table.insert(out, s) end
local function finish()
  vim.fn.writefile(out, os.getenv('KF_OUT'))
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('KF_FILE')))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = 'katafilter',
    cmd = { os.getenv('KF_BIN'), 'lsp' },
    root_dir = vim.fn.fnamemodify(os.getenv('KF_FILE'), ':h'),
    init_options = { strict = false },
  })
  if not id then
    log('error: the client did not start')
    return
  end
  vim.lsp.buf_attach_client(buf, id)

  -- Diagnostics arrive by textDocument/publishDiagnostics after the open.
  vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then code = d.user_data.lsp.code end
    log(string.format('diagnostic %d:%d-%d:%d %s %s', d.lnum, d.col, d.end_lnum, d.end_col, tostring(code), d.message))
  end

  -- Completion after "EventType == " on the second line.
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 1, character = 13 } }
  local resp = vim.lsp.buf_request_sync(buf, 'textDocument/completion', params, 20000)
  for _, r in pairs(resp or {}) do
    if r.err then log('completion error ' .. vim.inspect(r.err)) end
    local items = r.result and (r.result.items or r.result) or {}
    for i, it in ipairs(items) do
      if i <= 2 then log('completion ' .. it.label) end
    end
    log('completion count ' .. #items)
  end

  -- Hover on the Cyrillic string of the first line.
  params.position = { line = 0, character = 14 }
  resp = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 20000)
  for _, r in pairs(resp or {}) do
    if r.result then
      local rg = r.result.range
      log(string.format('hover %d:%d-%d:%d %s', rg.start.line, rg.start.character, rg['end'].line, rg['end'].character,
        vim.split(r.result.contents.value, '\n')[1]))
    end
  end

  vim.lsp.stop_client(id)
  vim.wait(5000, function() return vim.lsp.client_is_stopped(id) end, 50)
  log('stopped ' .. tostring(vim.lsp.client_is_stopped(id)))
end)
if not ok then log('error: ' .. tostring(err)) end
finish()
