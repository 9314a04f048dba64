-- Neovim filetype plugin for KATA event filters: comment settings, and the
-- katafilter language server started with vim.lsp.start (no nvim-lspconfig).
if vim.b.did_ftplugin_katafilter then
  return
end
vim.b.did_ftplugin_katafilter = true

-- Only a '#' in the first column starts a comment.
vim.bo.commentstring = '# %s'
vim.bo.comments = ':#'

local undo = 'setlocal commentstring< comments<'
if vim.b.undo_ftplugin and vim.b.undo_ftplugin ~= '' then
  vim.b.undo_ftplugin = vim.b.undo_ftplugin .. ' | ' .. undo
else
  vim.b.undo_ftplugin = undo
end

require('katafilter').start(vim.api.nvim_get_current_buf())
