-- katafilter: Neovim support for KATA event filters (*.kfl, and the filters
-- inside YAML and JSON rule files).
--
-- The ftplugins call start() for every katafilter, yaml and json buffer; it runs
-- `katafilter lsp` over stdio with vim.lsp.start (Neovim 0.8 or newer; on 0.7,
-- vim.lsp.start_client with one client per root directory) and
-- passes { schemaFile, ignoreCase, strict } as initializationOptions.
--
-- Configure before the first .kfl buffer opens, either with
--   require('katafilter').setup({ schemaFile = '~/kata/extra-fields.json' })
-- or with the global table vim.g.katafilter = { ... } (same keys).
local M = {}

local INSTALL_HINT = 'go install github.com/katafilter/katafilter/cmd/katafilter@latest'

M.defaults = {
  -- Set to false to keep the language server off (highlighting stays).
  enabled = true,
  -- The server command; the binary is expected on PATH.
  cmd = { 'katafilter', 'lsp' },
  -- initializationOptions.
  schemaFile = '',
  ignoreCase = false,
  strict = false,
  -- Files whose directory marks the workspace root; the file's own directory otherwise.
  root_markers = { '.git' },
  -- Attach the server to YAML and JSON buffers too, for the filters inside rule files
  -- (it answers inside filter values only, next to your YAML or JSON server).
  rule_files = true,
}

M.config = nil

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', {}, M.defaults, opts or {})
  return M.config
end

local function config()
  if M.config then
    return M.config
  end
  local g = vim.g.katafilter
  return vim.tbl_deep_extend('force', {}, M.defaults, type(g) == 'table' and g or {})
end

local warned = {}
local function warn_once(key, msg)
  if not warned[key] then
    warned[key] = true
    vim.notify('katafilter: ' .. msg, vim.log.levels.WARN)
  end
end

-- init_options returns the initializationOptions for the server.
function M.init_options(cfg)
  cfg = cfg or config()
  local schema = cfg.schemaFile or ''
  if schema ~= '' then
    schema = vim.fn.fnamemodify(vim.fn.expand(schema), ':p')
  end
  return {
    schemaFile = schema,
    ignoreCase = cfg.ignoreCase == true,
    strict = cfg.strict == true,
  }
end

local function root_dir(bufnr, markers)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name ~= '' and vim.fn.fnamemodify(name, ':p:h') or vim.fn.getcwd()
  if vim.fs and vim.fs.find then
    local found = vim.fs.find(markers, { upward = true, path = dir })[1]
    if found then
      return vim.fs.dirname(found)
    end
  end
  return dir
end

-- clients07 maps a root directory and command to the client started for them
-- on Neovim 0.7, which has no vim.lsp.start to reuse a running client.
local clients07 = {}

-- start_07 does on Neovim 0.7 what vim.lsp.start does on 0.8: it starts one
-- client per root directory and command, and attaches the buffer to it.
local function start_07(client_config, bufnr)
  local key = client_config.root_dir .. '\0' .. table.concat(client_config.cmd, '\0')
  local id = clients07[key]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(client_config)
    clients07[key] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

-- set_omnifunc makes <C-x><C-o> ask the server, unless the buffer has an
-- omnifunc already (another server's, or the user's). Neovim 0.7 sets none by
-- itself.
local function set_omnifunc(bufnr)
  if vim.bo[bufnr].omnifunc == '' then
    vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc'
  end
end

-- start attaches the katafilter language server to buffer bufnr. It returns
-- the client id, or nil (with one warning per session) when the server
-- cannot run. A yaml or json buffer gets it only with rule_files set.
function M.start(bufnr)
  local cfg = config()
  if not cfg.enabled then
    return nil
  end
  local ft = vim.bo[bufnr].filetype
  if (ft == 'yaml' or ft == 'json') and not cfg.rule_files then
    return nil
  end
  if not (vim.lsp and (vim.lsp.start or vim.lsp.start_client)) then
    warn_once('nvim', 'this Neovim has no built-in LSP client (0.7 or newer needed); highlighting only')
    return nil
  end
  local cmd = cfg.cmd
  if type(cmd) == 'string' then
    cmd = { cmd, 'lsp' }
  end
  if vim.fn.executable(cmd[1]) ~= 1 then
    warn_once('exe', string.format('%s not found on PATH; install it with `%s`', cmd[1], INSTALL_HINT))
    return nil
  end
  local client_config = {
    name = 'katafilter',
    cmd = cmd,
    root_dir = root_dir(bufnr, cfg.root_markers),
    init_options = M.init_options(cfg),
  }
  local id
  if vim.lsp.start then
    id = vim.lsp.start(client_config, { bufnr = bufnr })
  else
    id = start_07(client_config, bufnr)
  end
  if id then
    set_omnifunc(bufnr)
  end
  return id
end

return M
