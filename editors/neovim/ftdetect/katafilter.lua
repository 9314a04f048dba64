-- KATA event filter files (*.kfl) have the filetype "katafilter".
if vim.filetype and vim.filetype.add and vim.fn.has('nvim-0.8') == 1 then
  vim.filetype.add({ extension = { kfl = 'katafilter' } })
else
  -- Neovim 0.7: filetype.lua is opt-in there, so use an autocommand.
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    pattern = '*.kfl',
    command = 'setfiletype katafilter',
  })
end
