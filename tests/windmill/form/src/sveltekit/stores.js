// SvelteKit's $app/stores: the same page as $app/state, as a store.
import { readable } from 'svelte/store'
import { page as current } from './state.js'

export const page = readable(current)
export const navigating = readable(null)
