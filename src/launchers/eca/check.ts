import { launch } from '../../startup.js';

export default await launch(() => import('../../commands/eca/check.js'));
