" Vim filetype plugin for KATA event filters (katafilter).
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

" Only a '#' in the first column starts a comment; indented lines continue a filter.
setlocal commentstring=#\ %s
setlocal comments=:#
setlocal formatoptions-=t formatoptions+=croql

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions<'
