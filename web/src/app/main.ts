import { createApp } from 'vue'
import App from './App.vue'
import { loadDarkTheme } from './dark-theme'
import { install as installNaive } from './plugins/naive'
import { install as installPinia } from './plugins/pinia'
import { install as installRouter } from './plugins/router'
import { install as installVueQuery } from './plugins/vue-query'
import { usePreferencesStore } from './preferences-store'
import './styles.css'

const app = createApp(App)
installPinia(app)
installVueQuery(app)
installNaive(app)
installRouter(app)
// A page that opens in dark mode waits for the dark theme, so that it never paints light first.
const mount = () => void app.mount('#app')
if (usePreferencesStore().isDark) void loadDarkTheme().then(mount, mount)
else mount()
