-- The katafilter language server for the filters inside yaml rule files, next
-- to whatever yaml language server is configured (it answers inside filter
-- values only). Off with require('katafilter').setup({ rule_files = false }).
require('katafilter').start(vim.api.nvim_get_current_buf())
