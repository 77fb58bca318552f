import { createApp } from 'vue'
import App from './App.vue'
import { install as installNaive } from './plugins/naive'
import { install as installPinia } from './plugins/pinia'
import { install as installRouter } from './plugins/router'
import { install as installVueQuery } from './plugins/vue-query'
import './styles.css'

const app = createApp(App)
installPinia(app)
installVueQuery(app)
installNaive(app)
installRouter(app)
app.mount('#app')
