// Windmill's components style themselves with Tailwind classes named after
// the design tokens their package ships (bg-surface, text-hint, border-light,
// ...), each a CSS variable --color-<token> holding an "r g b" triple. This
// builds that theme from tokens.json, so the form looks as it does in Windmill.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import forms from '@tailwindcss/forms'
import typography from '@tailwindcss/typography'
import plugin from 'tailwindcss/plugin.js'

const windmill = fileURLToPath(new URL('./node_modules/windmill-components/package/', import.meta.url))
// Read by path: the package's "exports" do not list it.
const { tokens, primitives } = JSON.parse(readFileSync(`${windmill}assets/tokens/tokens.json`, 'utf8'))

function rgb(hex) {
	const n = hex.replace('#', '').slice(0, 6)
	return [0, 2, 4].map((i) => parseInt(n.slice(i, i + 2), 16)).join(' ')
}

// Each mode's tokens, plus the other mode's surfaces as *-inverse (the dark
// panels the stylesheet puts on a light page: bg-surface-inverse, ...).
function variables(mode, other) {
	const entries = Object.entries(mode).map(([token, hex]) => [`--color-${token}`, rgb(hex)])
	for (const [token, hex] of Object.entries(other)) {
		if (token.startsWith('surface-')) entries.push([`--color-${token}-inverse`, rgb(hex)])
	}
	return Object.fromEntries(entries)
}

// The short name a token also answers to: text-primary for "text-primary",
// bg-surface for "surface-primary", border-light for "border-light".
function colourName(token) {
	if (token === 'surface-primary') return 'surface'
	if (token.startsWith('text-') || token.startsWith('border-')) return token.replace(/^[a-z]+-/, '')
	return token
}

const colours = {}
for (const token of Object.keys(tokens.light)) {
	// Some classes name the token whole, as border-border-light does.
	colours[token] = `rgb(var(--color-${token}) / <alpha-value>)`
	colours[colourName(token)] ??= colours[token]
	if (token.startsWith('surface-')) {
		colours[`${colourName(token)}-inverse`] = `rgb(var(--color-${token}-inverse) / <alpha-value>)`
	}
}
// Fixed palettes (nord-*, deep-blue-*, marine-*) the components also name.
for (const [name, hex] of Object.entries(primitives.light)) {
	if (/^(nord|deep-blue|marine|frost)/.test(name)) colours[name] = hex
}

export default {
	darkMode: 'class',
	content: [`${windmill}components/**/*.{svelte,js}`, `${windmill}*.js`, './src/**/*.{svelte,js}'],
	theme: {
		extend: {
			colors: colours,
			borderRadius: { component: '0.25rem' },
			fontSize: { '2xs': '0.7rem', '3xs': '0.65rem' },
			fontFamily: { main: ['Inter', 'sans-serif'] }
		}
	},
	plugins: [
		forms,
		typography,
		plugin(({ addBase }) => {
			addBase({
				':root': { ...variables(tokens.light, tokens.dark), color: 'rgb(var(--color-text-primary))' },
				'.dark': variables(tokens.dark, tokens.light)
			})
		})
	]
}
