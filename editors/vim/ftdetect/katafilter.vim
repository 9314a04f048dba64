" KATA event filter files (katafilter).
autocmd BufRead,BufNewFile *.kfl setfiletype katafilter
