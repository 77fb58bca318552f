// Its own chunk: imported only by loadDarkTheme() in ./dark-theme.
export { darkTheme } from 'naive-ui'
