import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import tailwindcss from 'tailwindcss'
import tailwindConfig from './tailwind.config.js'

const here = (path) => fileURLToPath(new URL(path, import.meta.url))

export default defineConfig({
	// Served from any directory (the driver's own server, a file cache).
	base: './',
	plugins: [svelte()],
	resolve: {
		alias: {
			// The package's "exports" hide its component files; reach them by path.
			$windmill: here('node_modules/windmill-components/package'),
			// SvelteKit's runtime modules, which the components import but a
			// plain Vite page does not have.
			'$app/state': here('src/sveltekit/state.js'),
			'$app/stores': here('src/sveltekit/stores.js'),
			'$app/navigation': here('src/sveltekit/navigation.js'),
			'$app/paths': here('src/sveltekit/paths.js'),
			'$app/environment': here('src/sveltekit/environment.js')
		}
	},
	css: { postcss: { plugins: [tailwindcss(tailwindConfig)] } },
	// Monaco's workers are ES modules that share chunks, which the default
	// (classic script) worker format cannot do.
	worker: { format: 'es' },
	build: {
		outDir: process.env.FORM_OUT_DIR || 'dist',
		emptyOutDir: true,
		// A page for tests: unminified, so that a page error names real functions
		// (minifying costs 1 s more and saves 24 of 85 MB), and no source maps
		// (2.5 s and 100 MB more).
		minify: false,
		cssMinify: false,
		sourcemap: false,
		reportCompressedSize: false,
		chunkSizeWarningLimit: 1e9,
		target: 'esnext'
	}
})
