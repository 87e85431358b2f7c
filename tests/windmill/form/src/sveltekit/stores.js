// SvelteKit's $app/stores: the same page as $app/state, as stores.
import { readable } from 'svelte/store'
import { page as current } from './state.js'

export const page = readable(current)
export const navigating = readable(null)
export const updated = { subscribe: readable(false).subscribe, check: async () => false }
