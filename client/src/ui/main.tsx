// The web client's entry point: renders the shell into #app.
import { render } from 'preact';
import { App } from './app.js';

render(<App />, document.getElementById('app')!);
